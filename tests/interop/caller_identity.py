"""boto3 side of the interop tests: get STS caller identity for each profile named on the command
line, using only what ssox left in ~/.aws (endpoints come from AWS_ENDPOINT_URL_*), and print one
JSON object per profile. Any failure is a non-zero exit with botocore's message on stderr."""

import json
import sys

import boto3


def main() -> int:
    for profile in sys.argv[1:]:
        sts = boto3.Session(profile_name=profile).client("sts")
        ident = sts.get_caller_identity()
        print(json.dumps({"profile": profile, "Account": ident["Account"], "Arn": ident["Arn"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
