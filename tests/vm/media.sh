#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "media" VM group (media.vm, media.guest): kesu media with dm-crypt.
# Needs KESU, the path of the built binary (built with --enable-test-hooks).
exec "$(dirname "$0")/run.sh" media
