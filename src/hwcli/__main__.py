"""``python -m hwcli``: the same as the ``hw`` command."""

from hwcli.main import main

if __name__ == "__main__":
    main()
