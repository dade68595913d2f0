"""boto3 side of the refresh interop test: ask botocore's own SSO token provider for the token of
an sso-session profile. With less than 15 minutes left on the cached token, botocore refreshes it
(CreateToken refresh_token grant) and rewrites ~/.aws/sso/cache/<sha1>.json in its own format.
Prints the token's expiry as botocore sees it."""

import sys

import botocore.session
from botocore.tokens import SSOTokenProvider


def main() -> int:
    session = botocore.session.Session(profile=sys.argv[1])
    token = SSOTokenProvider(session).load_token()
    frozen = token.get_frozen_token()
    print(frozen.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
