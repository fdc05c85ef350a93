# cmake -DDIR=path -P fresh_dir.cmake: an empty directory at DIR, so that each
# fuzz smoke test starts from the committed corpus alone.
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
