"""boto3 through a credential_process profile that runs `ssox creds --format process`.

Usage: creds_process_boto3.py PROFILE
Prints "<access key id> <account> <arn>": botocore ran the process, parsed its JSON (Version 1,
Expiration RFC 3339) and signed STS GetCallerIdentity with the credentials (the fake checks SigV4).
"""

import sys

import boto3


def main() -> int:
    session = boto3.Session(profile_name=sys.argv[1])
    creds = session.get_credentials()
    if creds is None:
        print("boto3 found no credentials", file=sys.stderr)
        return 1
    frozen = creds.get_frozen_credentials()
    ident = session.client("sts").get_caller_identity()
    print(frozen.access_key, ident["Account"], ident["Arn"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
