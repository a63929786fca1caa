"""`python -m bot`: the `sdgbot` command; with no arguments, the Telegram bot or console chat."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
