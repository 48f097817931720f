// SPDX-License-Identifier: GPL-2.0-or-later
/* The station's results per machine: the folder they go into, the drives its summary lists. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "outfile.h"
#include "station.h"
#include "sysfs.h"

int station_machine_folder(const char *output_dir, const char *tag, char *dir, size_t len)
{
	struct sysfs_dmi dmi;
	char serial[65], name[65];
	int n;

	if (sysfs_dmi_read(&dmi))
		return -ENOMEM;
	outfile_name_part(dmi.serial && *dmi.serial ? dmi.serial : "unknown-serial", serial,
			  sizeof(serial));
	if (!tag)
		tag = dmi.asset_tag && *dmi.asset_tag ? dmi.asset_tag : "no-tag";
	outfile_name_part(tag, name, sizeof(name));
	sysfs_dmi_free(&dmi);
	n = snprintf(dir, len, "%s/%s-%s", output_dir, serial, name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(dir, 0750) && errno != EEXIST)
		return -errno;
	return 0;
}

long station_machine_drives(struct station *s, struct station_drive **out)
{
	long n = 0;

	station_lock(s);
	*out = calloc(station_count(s) + 1, sizeof(**out));
	for (size_t i = 0; *out && i < station_count(s); i++) {
		const struct station_drive *d = station_drive_at(s, i);

		if (d->ran || d->named)
			(*out)[n++] = *d;
	}
	station_unlock(s);
	return *out ? n : -ENOMEM;
}
