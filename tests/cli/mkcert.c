// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkcert REPORT OUT [FIELD=VALUE...]: the certificate of a kesu-report/1
 * file, written to OUT as its canonical bytes, the certificate's id on
 * standard output. FIELD is a member of struct cert_meta (organisation,
 * destination, tool_sha256, ...). A stand-in for `kesu cert issue` in the
 * tests of the certificate model and of `kesu cert show`.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert/cert.h"
#include "cert/jcs.h"
#include "secmem.h"

static int set(struct cert_meta *m, const char *arg)
{
	const struct {
		const char *name;
		const char **field;
	} map[] = {
		{ "organisation", &m->organisation },
		{ "department", &m->department },
		{ "location", &m->location },
		{ "operator_title", &m->operator_title },
		{ "operator_contact", &m->operator_contact },
		{ "witness", &m->witness },
		{ "classification", &m->classification },
		{ "post_classification", &m->post_classification },
		{ "destination", &m->destination },
		{ "source_machine", &m->source_machine },
		{ "media_type", &m->media_type },
		{ "manufacturer", &m->manufacturer },
		{ "data_backed_up", &m->data_backed_up },
		{ "notes", &m->notes },
		{ "tool_sha256", &m->tool_sha256 },
	};
	const char *eq = strchr(arg, '=');

	for (size_t i = 0; eq && i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].name) == (size_t)(eq - arg) &&
		    !strncmp(map[i].name, arg, (size_t)(eq - arg))) {
			*map[i].field = eq + 1;
			return 0;
		}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct cert_meta m = { 0 };
	json_error_t err;
	json_t *rep, *cert;
	char id[37], *out;
	size_t len;
	FILE *f;

	if (argc < 3 || secmem_init()) {
		fprintf(stderr, "usage: mkcert REPORT OUT [FIELD=VALUE...]\n");
		return 2;
	}
	for (int i = 3; i < argc; i++)
		if (set(&m, argv[i])) {
			fprintf(stderr, "mkcert: unknown field in '%s'\n", argv[i]);
			return 2;
		}
	rep = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &err);
	if (!rep) {
		fprintf(stderr, "mkcert: %s: %s\n", argv[1], err.text);
		return 1;
	}
	cert = cert_from_report(rep, &m, id);
	if (!cert) {
		fprintf(stderr, "mkcert: %s: no certificate: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (jcs_dump(cert, &out, &len)) {
		fprintf(stderr, "mkcert: cannot write the canonical form\n");
		return 1;
	}
	f = fopen(argv[2], "wx");
	if (!f || fwrite(out, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mkcert: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	printf("%s\n", id);
	free(out);
	json_decref(cert);
	json_decref(rep);
	return 0;
}
