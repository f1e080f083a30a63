#!/usr/bin/env bash
# Builds the Unity package of YieldLoop (UPM layout) into OUTDIR; docs/embedding.md#unity says how to install it.
#
#   tools/unity-package.sh [OUTDIR]        (default: artifacts/unity/com.yieldloop.core)
#
# Needs bash and the .NET SDK only. Builds, in Release, the engine for netstandard2.1 (what Unity 2021.2+ runs) and the
# Roslyn analyzers (Roslyn 3.7, which Unity 2021.2+ loads), then lays out:
#
#   package.json                 name com.yieldloop.core, version from Directory.Build.props, unity 2021.2
#   README.md, CHANGELOG.md, LICENSE.md
#   Runtime/YieldLoop.dll        the engine, referenced by every assembly of the project (Auto Reference)
#   Runtime/YieldLoop.xml        its XML docs, for the IDE
#   Analyzers/YieldLoop.Analyzers.dll
#                                the analyzers: no platform, labelled RoslynAnalyzer, so Unity passes the DLL to the
#                                compiler of every assembly instead of loading it (no asmdef in the package, so no scope)
#
# and a .meta file beside every file and folder. Each .meta's guid is the MD5 of "com.yieldloop.core/<path>", so
# running the script again gives the same GUIDs and a project that refers to the package keeps its references.
# The code fixes (YieldLoop.CodeFixes.dll) are not included: they need Roslyn Workspaces, which Unity does not load.
# Engine.Tests/Package/UnityPackageTests.cs runs this script and checks the layout.
set -euo pipefail

readonly PACKAGE_NAME="com.yieldloop.core"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts/unity/$PACKAGE_NAME}"

fail() { echo "unity-package: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH; install it from https://dot.net."

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
[ -n "$version" ] || fail "no <Version> in $root/Directory.Build.props."

# Only ever replace a folder this script made (or an empty one): OUTDIR may be mistyped.
if [ -e "$out" ]; then
  if [ -n "$(ls -A "$out" 2>/dev/null)" ] && ! grep -qs "\"name\": \"$PACKAGE_NAME\"" "$out/package.json"; then
    fail "$out exists and is not a $PACKAGE_NAME package folder; choose another OUTDIR or remove it."
  fi
  rm -rf "$out"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Builds a project in Release and prints the path of the assembly it made (MSBuild's TargetPath).
build() {
  local log
  if ! log="$(dotnet build "$@" -c Release -nologo -t:Build -getProperty:TargetPath 2>&1)"; then
    echo "$log" >&2
    fail "dotnet build $* failed."
  fi
  echo "$log" | tail -n 1
}

echo "unity-package: building the engine (netstandard2.1) and the analyzers in Release..."
engine="$(build "$root/Engine/Engine.csproj" -f netstandard2.1)"
analyzer="$(build "$root/Engine.Analyzers/Engine.Analyzers.csproj")"
[ -f "$engine" ] || fail "the engine build reported $engine, which does not exist."
[ -f "${engine%.dll}.xml" ] || fail "the engine build wrote no XML docs beside $engine."
[ -f "$analyzer" ] || fail "the analyzer build reported $analyzer, which does not exist."

mkdir -p "$out/Runtime" "$out/Analyzers"
cp "$engine" "$out/Runtime/YieldLoop.dll"
cp "${engine%.dll}.xml" "$out/Runtime/YieldLoop.xml"
cp "$analyzer" "$out/Analyzers/YieldLoop.Analyzers.dll"
cp "$root/LICENSE" "$out/LICENSE.md"
cp "$root/CHANGELOG.md" "$out/CHANGELOG.md"
sed "s/@VERSION@/$version/g" "$root/tools/unity/README.md" > "$out/README.md"

cat > "$out/package.json" <<EOF
{
  "name": "$PACKAGE_NAME",
  "version": "$version",
  "displayName": "YieldLoop",
  "description": "A coroutine engine for C#: an event loop, futures and tasks over IEnumerator<IAwaitable> iterators, ticked by your game loop. Includes Roslyn analyzers that catch coroutine mistakes (YL0001-YL0005).",
  "unity": "2021.2",
  "license": "MIT",
  "author": {
    "name": "The YieldLoop authors",
    "url": "https://github.com/yieldloop/YieldLoop"
  },
  "documentationUrl": "https://github.com/yieldloop/YieldLoop/blob/main/docs/embedding.md#unity",
  "changelogUrl": "https://github.com/yieldloop/YieldLoop/blob/main/CHANGELOG.md",
  "licensesUrl": "https://github.com/yieldloop/YieldLoop/blob/main/LICENSE",
  "keywords": ["coroutines", "event-loop", "async", "scheduler"]
}
EOF

# --- .meta files -----------------------------------------------------------------------------------------------------

md5_hex() {
  if command -v md5sum >/dev/null 2>&1; then
    printf '%s' "$1" | md5sum | cut -c1-32
  elif command -v md5 >/dev/null 2>&1; then
    printf '%s' "$1" | md5 -q   # macOS
  else
    printf '%s' "$1" | openssl md5 -r | cut -c1-32
  fi
}

# The GUID of a path relative to the package root: stable across runs and machines, unique within the package.
guid() { md5_hex "$PACKAGE_NAME/$1"; }

# The importer-independent tail every .meta of Unity 2021-2022 ends with.
tail_lines() {
  printf '  userData: \n  assetBundleName: \n  assetBundleVariant: \n'
}

folder_meta() {
  { printf 'fileFormatVersion: 2\nguid: %s\nfolderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n' "$(guid "$1")"; tail_lines; } > "$out/$1.meta"
}

# Text assets (markdown, XML docs) and the package manifest.
importer_meta() {
  { printf 'fileFormatVersion: 2\nguid: %s\n%s:\n  externalObjects: {}\n' "$(guid "$1")" "$2"; tail_lines; } > "$out/$1.meta"
}

# A managed plugin for every platform, referenced automatically by every assembly of the project.
runtime_plugin_meta() {
  cat > "$out/$1.meta" <<EOF
fileFormatVersion: 2
guid: $(guid "$1")
PluginImporter:
  externalObjects: {}
  serializedVersion: 2
  iconMap: {}
  executionOrder: {}
  defineConstraints: []
  isPreloaded: 0
  isOverridable: 0
  isExplicitlyReferenced: 0
  validateReferences: 1
  platformData:
  - first:
      Any: 
    second:
      enabled: 1
      settings: {}
  - first:
      Editor: Editor
    second:
      enabled: 0
      settings:
        DefaultValueInitialized: true
EOF
  tail_lines >> "$out/$1.meta"
}

# A Roslyn analyzer, as Unity's manual describes it: the label RoslynAnalyzer, no platform at all (so no player or
# editor loads it as a plugin), not auto-referenced, and no reference validation (it refers to Microsoft.CodeAnalysis,
# which the compiler brings, not the project).
analyzer_meta() {
  cat > "$out/$1.meta" <<EOF
fileFormatVersion: 2
guid: $(guid "$1")
labels:
- RoslynAnalyzer
PluginImporter:
  externalObjects: {}
  serializedVersion: 2
  iconMap: {}
  executionOrder: {}
  defineConstraints: []
  isPreloaded: 0
  isOverridable: 0
  isExplicitlyReferenced: 1
  validateReferences: 0
  platformData:
  - first:
      : Any
    second:
      enabled: 0
      settings:
        Exclude Editor: 1
        Exclude Linux64: 1
        Exclude OSXUniversal: 1
        Exclude Win: 1
        Exclude Win64: 1
  - first:
      Any: 
    second:
      enabled: 0
      settings: {}
  - first:
      Editor: Editor
    second:
      enabled: 0
      settings:
        CPU: AnyCPU
        DefaultValueInitialized: true
        OS: AnyOS
EOF
  tail_lines >> "$out/$1.meta"
}

importer_meta package.json PackageManifestImporter
importer_meta README.md TextScriptImporter
importer_meta CHANGELOG.md TextScriptImporter
importer_meta LICENSE.md TextScriptImporter
folder_meta Runtime
runtime_plugin_meta Runtime/YieldLoop.dll
importer_meta Runtime/YieldLoop.xml TextScriptImporter
folder_meta Analyzers
analyzer_meta Analyzers/YieldLoop.Analyzers.dll

# Every file and folder has its .meta (Unity ignores, and complains about, an asset without one in an immutable package).
while IFS= read -r -d '' path; do
  relative="${path#"$out"/}"
  [ -f "$path.meta" ] || fail "no .meta for $relative (the script lays out a file it does not describe)."
done < <(find "$out" -mindepth 1 ! -name '*.meta' -print0)

echo "unity-package: $PACKAGE_NAME $version written to $out"
