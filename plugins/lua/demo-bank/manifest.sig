{"alg":"ed25519","key_id":"demo-rules","signature":"qohMpS9IgR82IiaqngrIti7id5Vwji02UTQu9wUapmB3DhulDpWxwW97igJmnTwoa/5Yx2Rs7lsT62abOIHjBg=="}
