enum _PlaceholderUsherTestSupport {}
