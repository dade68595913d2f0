"""boto3 through the container credential provider, as `ssox serve` and `ssox exec --server` set it
up: AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, no profile, no keys.

Usage: container_identity.py [PAUSE_SECONDS]
Prints "<provider> <account> <arn>" after one STS GetCallerIdentity (the fake checks the SigV4
signature and the credentials' expiry); with PAUSE_SECONDS, waits that long and calls again with
the same client, which works only if botocore fetched fresh credentials from the endpoint.
"""

import sys
import time

import boto3


def main() -> int:
    session = boto3.Session()
    creds = session.get_credentials()
    if creds is None:
        print("boto3 found no credentials", file=sys.stderr)
        return 1
    sts = session.client("sts")
    calls = 2 if len(sys.argv) > 1 else 1
    for i in range(calls):
        if i:
            time.sleep(float(sys.argv[1]))
        ident = sts.get_caller_identity()
        print(creds.method, ident["Account"], ident["Arn"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
