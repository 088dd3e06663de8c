"""The time bank's pages: the member's own, the broker's, and the hours report."""
