"""What `pulumi up` runs in this folder."""

from two_accounts import main

main()
