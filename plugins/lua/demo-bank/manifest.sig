{"alg":"ed25519","key_id":"demo-rules","signature":"HBzfnCiZ/N8e7rFB4hRoYq1l26eX/abYm7yqZnS3XbJS4tXgMq1sMRIMiR4AzWtgHhY+1NUy0ABQLdo4hOdoDw=="}
