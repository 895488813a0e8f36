"""Content: the kinds of files a portal holds, their schemas, and how they are read."""
