"""botocore configured exactly as the AWS CLI v2 configures it: the SSO and the assume-role
credential providers share a JSONFileCache on ~/.aws/cli/cache
(awscli/customizations/assumerole.py and sso).

Usage: creds_cli_role_cache.py PROFILE [--whoami]
Prints the access key id botocore resolved for PROFILE, with --whoami then the Arn STS
GetCallerIdentity answers for it, then one line per cache file: "<name> same" when the file is
byte-identical to what botocore's JSONFileCache would write for its contents (json.dumps with
default separators), else "<name> differs".
"""

import json
import os
import sys

import boto3
import botocore.session
from botocore.utils import JSONFileCache

CACHE_DIR = os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


def main() -> int:
    session = botocore.session.Session(profile=sys.argv[1])
    resolver = session.get_component("credential_provider")
    for provider in ("sso", "assume-role"):
        resolver.get_provider(provider).cache = JSONFileCache(CACHE_DIR)
    creds = session.get_credentials()
    if creds is None:
        print("botocore found no credentials", file=sys.stderr)
        return 1
    print(creds.get_frozen_credentials().access_key)
    if "--whoami" in sys.argv[2:]:
        sts = boto3.Session(botocore_session=session).client("sts")
        print(sts.get_caller_identity()["Arn"])
    for name in sorted(os.listdir(CACHE_DIR)):
        with open(os.path.join(CACHE_DIR, name), encoding="utf-8") as f:
            text = f.read()
        print(name, "same" if json.dumps(json.loads(text)) == text else "differs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
