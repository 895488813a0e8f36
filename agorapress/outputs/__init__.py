"""What a build writes besides pages: feeds, sitemap, outline files, calendars; plain modules, no Pelican."""
