#!/usr/bin/env bash
# Re-create src/nytte/static/vendor/ from pinned npm packages.
#
# Nytte pages make no third-party requests: every CSS/font/JS file is served
# from our own static files. This script downloads the pinned tarballs with
# `npm pack` into a temporary directory, copies only the distributable files
# (plus licences) into src/nytte/static/vendor/<name>/, applies the small,
# documented edits listed in VENDORED.md, and checks that no vendored CSS points
# off-site. No node_modules is created in the repository.
#
# Usage:  scripts/vendor-assets.sh          # (re)vendor everything
# Needs:  node >= 18, npm, network access to the npm registry only.
#
# VENDORED.md, designsystemet-USAGE.md are hand-written and are left untouched;
# update them when you change a version below.
set -euo pipefail

# ---- pinned versions --------------------------------------------------------
DS_CSS_VERSION=1.22.0        # @digdir/designsystemet-css
DS_THEME_VERSION=1.11.0      # @digdir/designsystemet-theme (brand/digdir.css)
DS_WEB_VERSION=1.22.0        # @digdir/designsystemet-web (UMD bundle; keep == DS_CSS_VERSION)
INTER_VERSION=5.3.0          # @fontsource-variable/inter
HTMX_VERSION=2.0.11          # htmx.org (v2 line)
AXE_VERSION=4.14.1           # axe-core (browser tests only)
VEGA_VERSION=5.33.1          # vega        (v5 line: matches vega-lite 5 / Altair 5)
VEGA_LITE_VERSION=5.23.0     # vega-lite   (v5 schema, as emitted by Altair 5.x)
VEGA_EMBED_VERSION=6.29.0    # vega-embed  (v6 line: peer vega ^5, any vega-lite)
SWAGGER_UI_VERSION=5.36.0    # swagger-ui-dist (the API docs page at /api/v1/docs)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/nytte/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

export NPM_CONFIG_LOGLEVEL=error NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false \
       NPM_CONFIG_UPDATE_NOTIFIER=false

# unpack <spec> <dir>: npm pack the exact version into $TMP/<dir>/package
unpack() {
  local spec="$1" dir="$TMP/$2"
  mkdir -p "$dir"
  echo "  npm pack $spec" >&2
  local tgz
  tgz="$(cd "$dir" && npm pack "$spec" --silent | tail -n1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  echo "$dir/package"
}

# strip_sourcemap <file>: drop the trailing `//# sourceMappingURL=...` comment.
# The .map files are not vendored, and Django's ManifestStaticFilesStorage
# (whitenoise CompressedManifestStaticFilesStorage) fails collectstatic when a
# referenced source map is missing.
strip_sourcemap() {
  sed -i -E '/^\/\/[#@] sourceMappingURL=.*$/d; s#//[#@] sourceMappingURL=[^ ]*$##' "$1"
}

fresh() { rm -rf "$DEST/$1"; mkdir -p "$DEST/$1"; }

echo "Vendoring into $DEST" >&2
mkdir -p "$DEST"

# ---- Designsystemet: component CSS -----------------------------------------
P="$(unpack "@digdir/designsystemet-css@$DS_CSS_VERSION" ds-css)"
fresh designsystemet-css
cp "$P/dist/src/index.css" "$DEST/designsystemet-css/designsystemet.css"
cp "$P/LICENSE" "$DEST/designsystemet-css/LICENSE"
# Edit: two SVG data: URIs carry a raw `xmlns="http://www.w3.org/2000/svg"`.
# That is an XML namespace name, never fetched, but percent-encode it (as the
# other ~40 data URIs in the same file already are) so the vendored CSS holds
# no literal http(s):// at all and a plain grep audit stays clean.
sed -i 's#xmlns="http://www\.w3\.org/2000/svg"#xmlns="http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg"#g' \
  "$DEST/designsystemet-css/designsystemet.css"

# ---- Designsystemet: digdir theme (design tokens) ---------------------------
P="$(unpack "@digdir/designsystemet-theme@$DS_THEME_VERSION" ds-theme)"
fresh designsystemet-theme
cp "$P/brand/digdir.css" "$DEST/designsystemet-theme/digdir.css"
cp "$P/LICENSE" "$DEST/designsystemet-theme/LICENSE"

# ---- Designsystemet: web components / behaviour (self-contained UMD) ---------
P="$(unpack "@digdir/designsystemet-web@$DS_WEB_VERSION" ds-web)"
fresh designsystemet-web
cp "$P/dist/umd/index.js" "$DEST/designsystemet-web/designsystemet-web.umd.js"
strip_sourcemap "$DEST/designsystemet-web/designsystemet-web.umd.js"
cp "$P/LICENSE" "$DEST/designsystemet-web/LICENSE"

# ---- Inter (variable font, wght axis), latin + latin-ext ---------------------
P="$(unpack "@fontsource-variable/inter@$INTER_VERSION" inter)"
fresh inter
for style in normal italic; do
  for subset in latin latin-ext; do
    cp "$P/files/inter-$subset-wght-$style.woff2" "$DEST/inter/"
  done
done
cp "$P/LICENSE" "$DEST/inter/LICENSE"
# fonts.css: @font-face rules for family "Inter" (the name the digdir theme
# uses in --ds-font-family), with the unicode-ranges fontsource publishes.
node - "$P" "$DEST/fonts.css" "$INTER_VERSION" <<'NODE'
const fs = require('fs');
const [pkg, out, version] = process.argv.slice(2);
const blocks = [];
for (const [file, style] of [['wght.css', 'normal'], ['wght-italic.css', 'italic']]) {
  const css = fs.readFileSync(`${pkg}/${file}`, 'utf8');
  for (const subset of ['latin-ext', 'latin']) {  // latin last: wins on overlap
    const name = `inter-${subset}-wght-${style}`;
    const re = new RegExp(`/\\* ${name} \\*/\\s*@font-face\\s*{([^}]*)}`);
    const m = css.match(re);
    if (!m) throw new Error(`no @font-face for ${name} in ${file}`);
    const range = m[1].match(/unicode-range:\s*([^;]+);/)[1].trim();
    blocks.push(`/* ${name} */
@font-face {
  font-family: "Inter";
  font-style: ${style};
  font-display: swap;
  font-weight: 100 900;
  src: url("inter/${name}.woff2") format("woff2");
  unicode-range: ${range};
}`);
  }
}
fs.writeFileSync(out, `/*
 * Inter (variable, wght 100-900), self-hosted. GENERATED by scripts/vendor-assets.sh
 * from @fontsource-variable/inter@${version} (SIL OFL 1.1, see inter/LICENSE).
 * Subsets: latin + latin-ext, normal + italic. Family name "Inter" matches the
 * Designsystemet digdir theme's --ds-font-family.
 */
${blocks.join('\n\n')}

/* Designsystemet only defines --ds-font-family; it does not apply it. */
body {
  font-family: var(--ds-font-family, "Inter"), system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
`);
NODE

# ---- htmx 2 ------------------------------------------------------------------
P="$(unpack "htmx.org@$HTMX_VERSION" htmx)"
fresh htmx
cp "$P/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
strip_sourcemap "$DEST/htmx/htmx.min.js"
cp "$P/LICENSE" "$DEST/htmx/LICENSE"

# ---- axe-core (browser tests only) ---------------------------------------------
P="$(unpack "axe-core@$AXE_VERSION" axe)"
fresh axe-core
cp "$P/axe.min.js" "$P/LICENSE" "$P/LICENSE-3RD-PARTY.txt" "$DEST/axe-core/"

# ---- Vega / Vega-Lite / vega-embed (UMD builds) --------------------------------
P="$(unpack "vega@$VEGA_VERSION" vega)"
fresh vega
cp "$P/build/vega.min.js" "$DEST/vega/vega.min.js"
strip_sourcemap "$DEST/vega/vega.min.js"
# The vega npm tarball ships no LICENSE file; package.json says BSD-3-Clause.
# This is the LICENSE of the vega/vega repository.
cat > "$DEST/vega/LICENSE" <<'LIC'
Copyright (c) 2013, Trifacta Inc.
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.

* Neither the name of Trifacta Inc. nor the names of its contributors may be
  used to endorse or promote products derived from this software without
  specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

(vega.min.js also bundles the d3-* modules, ISC licence, Copyright Mike Bostock,
and other Vega sub-packages under the same BSD-3-Clause terms.)
LIC

P="$(unpack "vega-lite@$VEGA_LITE_VERSION" vega-lite)"
fresh vega-lite
cp "$P/build/vega-lite.min.js" "$DEST/vega-lite/vega-lite.min.js"
strip_sourcemap "$DEST/vega-lite/vega-lite.min.js"
cp "$P/LICENSE" "$DEST/vega-lite/LICENSE"

P="$(unpack "vega-embed@$VEGA_EMBED_VERSION" vega-embed)"
fresh vega-embed
cp "$P/build/vega-embed.min.js" "$DEST/vega-embed/vega-embed.min.js"
strip_sourcemap "$DEST/vega-embed/vega-embed.min.js"
cp "$P/LICENSE" "$DEST/vega-embed/LICENSE"

# ---- Swagger UI (the API docs page; initialised by static/nytte/swagger-init.js) --
P="$(unpack "swagger-ui-dist@$SWAGGER_UI_VERSION" swagger-ui)"
fresh swagger-ui
cp "$P/swagger-ui-bundle.js" "$P/swagger-ui.css" "$DEST/swagger-ui/"
cp "$P/LICENSE" "$P/NOTICE" "$P/swagger-ui-bundle.js.LICENSE.txt" "$DEST/swagger-ui/"
strip_sourcemap "$DEST/swagger-ui/swagger-ui-bundle.js"
# The CSS ends in a /*# sourceMappingURL=... */ comment (maps are not vendored).
sed -i -E 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' "$DEST/swagger-ui/swagger-ui.css"
# Edit: the SVG data: URIs carry xmlns="http://www.w3.org/2000/svg" (a namespace
# name, never fetched); percent-encode it as for designsystemet.css above.
sed -i 's#http://www\.w3\.org/2000/svg#http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg#g' \
  "$DEST/swagger-ui/swagger-ui.css"

# ---- checks ---------------------------------------------------------------------
fail=0
# 1. No CSS may reference another origin: no http(s):// anywhere (outside
#    comments), no protocol-relative url(//...), no @import at all.
for f in $(find "$DEST" -name '*.css'); do
  stripped="$(node -e 'process.stdout.write(require("fs").readFileSync(process.argv[1],"utf8").replace(/\/\*[\s\S]*?\*\//g,""))' "$f")"
  if grep -qE 'https?://' <<<"$stripped"; then echo "ERROR: http(s):// in $f" >&2; fail=1; fi
  if grep -qE "url\(\s*['\"]?//" <<<"$stripped"; then echo "ERROR: protocol-relative url() in $f" >&2; fail=1; fi
  if grep -qE '@import' <<<"$stripped"; then echo "ERROR: @import in $f" >&2; fail=1; fi
  # every url() is either a data: URI or a relative path that exists
  while IFS= read -r u; do
    case "$u" in data:*) continue ;; esac
    [ -f "$(dirname "$f")/$u" ] || { echo "ERROR: $f -> missing $u" >&2; fail=1; }
  done < <(grep -oE "url\(\s*(\"[^\"]*\"|'[^']*'|[^)'\"]*)\s*\)" <<<"$stripped" \
           | sed -E "s/^url\(\s*[\"']?//; s/[\"']?\s*\)$//")
done
# 2. No source-map references left in vendored JS (maps are not vendored).
if grep -rlE '[#@] sourceMappingURL=' "$DEST" --include='*.js' >&2; then
  echo "ERROR: sourceMappingURL left in the files above" >&2; fail=1
fi
# 3. No node_modules.
if find "$DEST" -name node_modules | grep -q .; then echo "ERROR: node_modules in $DEST" >&2; fail=1; fi
[ "$fail" = 0 ] || exit 1

echo "Done. Sizes:" >&2
du -sh "$DEST"/* >&2
du -sh "$DEST" >&2
