"""boto3 with the credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, as `eval "$(ssox creds …)"` exports them) and no profile: prints
"<access key id> <account> <arn>" from STS GetCallerIdentity (the fake checks the SigV4
signature). Endpoints come from AWS_ENDPOINT_URL_*."""

import sys

import boto3


def main() -> int:
    session = boto3.Session()
    creds = session.get_credentials()
    if creds is None or creds.method != "env":
        print("boto3 found no credentials in the environment", file=sys.stderr)
        return 1
    ident = session.client("sts", region_name="us-east-1").get_caller_identity()
    print(creds.get_frozen_credentials().access_key, ident["Account"], ident["Arn"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
