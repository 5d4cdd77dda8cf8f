#!/bin/sh
# Test PKI for MQTT sync (docs/mqtt.md): a CA, a broker certificate for localhost /
# 127.0.0.1, and one client certificate per name given (site ids, and "outpost-hub"
# for the hub). The certificate's CN is the MQTT identity the broker's ACL uses
# (use_identity_as_username). EC P-256 keys; for tests and labs, not production.
#
#   scripts/sync/make-test-certs.sh OUTDIR site-a site-b outpost-hub
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [client-name ...]" >&2; exit 2; }
out=$1; shift
mkdir -p "$out"
cd "$out"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" 2>/dev/null; chmod 600 "$1.key"; }

key ca
openssl req -x509 -new -key ca.key -sha256 -days 30 -subj "/CN=Outpost test CA" -out ca.pem

key broker
openssl req -new -key broker.key -subj "/CN=localhost" -out broker.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > broker.ext
openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
  -extfile broker.ext -out broker.pem 2>/dev/null

for name in "$@"; do
  case "$name" in *[!A-Za-z0-9._-]*|"") echo "bad client name: $name" >&2; exit 2;; esac
  key "$name"
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
    -extfile client.ext -out "$name.pem" 2>/dev/null
done
rm -f ./*.csr ./*.ext ca.srl
echo "test certificates in $out"
