"""Everything that speaks WeCom: the API client, its errors, and callback crypto."""
