"""The content domain: news and notices written and published by union cadres, and their reads."""
