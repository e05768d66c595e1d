"""Services: service items, member requests with time limits, the union map, scorecards."""
