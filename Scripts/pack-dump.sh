#!/usr/bin/env bash
# Packs a readable dump tree into an archive the way support receives it, deterministically.
# Every folder named X.tar.gz.d inside the tree becomes the tarball X.tar.gz holding that folder's contents
# (MTC's gather leaves must-gather.tar.gz in its image folder). The format of OUT follows its name:
# .tar .tar.gz .tgz .tar.xz .tar.zst .tar.bz2 .zip
#   Scripts/pack-dump.sh Samples/stage-image-stuck Samples/stage-image-stuck.tar.gz
set -euo pipefail
tree=${1:?usage: pack-dump.sh TREE OUT}
out=${2:?usage: pack-dump.sh TREE OUT}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$tree/." "$work/"
rm -f "$work/README.md"

det_tar() { # det_tar DIR OUT.tar  — sorted names, fixed owner and time
  tar --sort=name --mtime='@1700000000' --owner=0 --group=0 --numeric-owner --format=gnu -C "$1" -cf "$2" .
}

# Deepest first, so nested tarballs end up inside their parents.
while IFS= read -r dir; do
  det_tar "$dir" "${dir%.d}.tmp.tar"
  gzip -n -9 -c "${dir%.d}.tmp.tar" > "${dir%.d}"
  rm -rf "$dir" "${dir%.d}.tmp.tar"
done < <(find "$work" -depth -type d -name '*.tar.gz.d')

# Entries without the leading ./ , as `tar czf case.tar.gz must-gather.local.*` writes them.
list() { (cd "$work" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort); }
tmp="$work.tar"
case "$out" in
  *.zip)
    rm -f "$out"
    (cd "$work" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | TZ=UTC zip -q -X -@ "$out") ;;
  *)
    tar --sort=name --mtime='@1700000000' --owner=0 --group=0 --numeric-owner --format=gnu -C "$work" -cf "$tmp" $(list)
    case "$out" in
      *.tar.gz|*.tgz) gzip -n -9 -c "$tmp" > "$out" ;;
      *.tar.xz) xz -T1 -6 -c "$tmp" > "$out" ;;
      *.tar.zst) zstd -q -19 -c "$tmp" > "$out" ;;
      *.tar.bz2) bzip2 -9 -c "$tmp" > "$out" ;;
      *.tar) cp "$tmp" "$out" ;;
      *) echo "pack-dump.sh: unknown archive type: $out" >&2; exit 2 ;;
    esac
    rm -f "$tmp" ;;
esac
