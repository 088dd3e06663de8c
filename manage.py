#!/usr/bin/env python
from linkwell.cli import main

if __name__ == "__main__":
    main()
