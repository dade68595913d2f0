"""Which AWS_CONTAINER_CREDENTIALS_FULL_URI values botocore accepts, by its own rule
(`ContainerMetadataFetcher._validate_allowed_url`, which `ContainerProvider` applies before any
request). Prints "URL ok" or "URL refused" per URL on the command line.
"""

import sys

from botocore.utils import ContainerMetadataFetcher


def main() -> int:
    fetcher = ContainerMetadataFetcher()
    for url in sys.argv[1:]:
        try:
            fetcher._validate_allowed_url(url)
            print(url, "ok")
        except ValueError:
            print(url, "refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
