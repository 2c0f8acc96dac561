enum _PlaceholderUsherGate {}
