"""Prints template.yaml as JSON, either as written (--source) or after the SAM transform, as CloudFormation gets it.

cfn-lint bundles the SAM translator and runs it before linting; this uses the same code path, so the tests read
exactly the resources that `sam deploy` creates (generated roles, managed policies, event source mappings, the
REST API's paths).
"""
import json
import sys

try:
    from cfnlint.decode import decode
    from cfnlint.template.transforms._sam import Transform
except ImportError:
    sys.exit("cfnlint is not importable: python3 -m pip install cfn-lint")


def main():
    path = sys.argv[-1]
    template, problems = decode(path)
    if problems:
        sys.exit("\n".join(str(p) for p in problems))
    if "--source" not in sys.argv:
        transform = Transform(path, template, "us-east-1")
        problems = transform.transform_template()
        if problems:
            sys.exit("\n".join(str(p) for p in problems))
        template = transform.template()
    json.dump(template, sys.stdout, default=str)


main()
