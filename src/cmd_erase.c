// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kesu erase: the person's side of the run. The command line is read and
 * checked in erase_cli.c before any target is touched; the life of each
 * target (hold, check, run, log, report) is erase/job.c's. Here: the
 * prompts, what each target shows, and its exit code.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsign.h"
#include "confirm.h"
#include "display.h"
#include "erase/job.h"
#include "erase_cli.h"
#include "kesu.h"

static void print_plan(const struct erase_target *t)
{
	char name[8 + 2 * PATTERN_MAX_BYTES + 1];
	const struct erase_plan *p = &t->plan;

	printf("%s: method %s (%s, %s), %u pass%s:", ui_safe(t->path), p->method, p->category,
	       p->technique, p->npasses, p->npasses == 1 ? "" : "es");
	for (unsigned i = 0; i < p->npasses; i++)
		printf(" %s", pattern_name(&p->pass[i], name, sizeof(name)));
	printf("; verify %s", erase_verify_name(p->verify));
	if (p->verify == ERASE_VERIFY_SAMPLE)
		printf(" %u%%", p->sample_pct);
	printf("; %llu bytes; contains %s\n", (unsigned long long)t->info.size,
	       ui_safe(t->info.content ? t->info.content : "no known signature"));
}

static int result_exit(const struct erase_target *t)
{
	const struct erase_result *r = &t->res;

	if (!t->ran && t->err == -EOPNOTSUPP)
		return KESU_EXIT_REFUSED; /* the drive cannot do the method */
	if (!t->ran)
		return t->err ? ui_exit(t->err, UI_CTX_NONE) : KESU_EXIT_FAILURE;
	if (r->code == ERASE_SUCCESS)
		return KESU_EXIT_SUCCESS;
	if (r->code == ERASE_ABORTED)
		return KESU_EXIT_ABORTED;
	if (r->code == ERASE_REFUSED)
		return KESU_EXIT_REFUSED; /* the drive's state forbade the command */
	if (r->err)
		return KESU_EXIT_FAILURE;
	if (r->write_errors.n || r->read_errors.n)
		return KESU_EXIT_IO;
	if (r->mismatch.n)
		return KESU_EXIT_VERIFY;
	return KESU_EXIT_UNVERIFIED;
}

/* The report could not be written: it is the proof, so it goes to stdout instead. */
static void rescue_report(const struct erase_cli *o, const struct erase_target *t)
{
	const char *dest = o->jo.report ? o->jo.report : o->jo.report_dir;

	if (!t->doc) {
		ui_err("%s: cannot build the report: %s", ui_safe(t->path),
		       strerror(-t->report_err));
		return;
	}
	ui_err("%s: cannot write the report to %s: %s; %s", ui_safe(t->path),
	       ui_safe(dest ? dest : "-"), strerror(-t->report_err),
	       o->json ? "it is on standard output" : "it follows on standard output");
	if (!o->json && ui_print_json(stdout, t->doc))
		ui_err("%s: the report could not be printed either", ui_safe(t->path));
}

static int finish(const struct erase_cli *o, struct erase_job *j, size_t i)
{
	struct erase_target *t = &j->t[i];
	int code = result_exit(t);

	if (!t->identified)
		return code;
	if (erase_job_finish(j, i) && t->ran)
		rescue_report(o, t);
	if (o->json && t->doc && ui_print_json(stdout, t->doc)) {
		ui_err("%s: cannot print the report on standard output", ui_safe(t->path));
		code = ui_exit_worst(code, KESU_EXIT_FAILURE);
	}
	if (t->report_err || t->hook_err)
		code = ui_exit_worst(code, KESU_EXIT_FAILURE);
	if (!t->ran)
		return code;
	if (t->res.code == ERASE_SUCCESS && t->plan.npasses == 0)
		fprintf(stderr, "kesu: %s: success: %s (%s), sample verified (%llu bytes read)\n",
			ui_safe(t->path), t->plan.method, t->plan.category,
			(unsigned long long)t->res.bytes_read);
	else if (t->res.code == ERASE_SUCCESS)
		fprintf(stderr,
			"kesu: %s: success: %u pass%s of %s, verified (%s, %llu bytes read)\n",
			ui_safe(t->path), t->plan.npasses, t->plan.npasses == 1 ? "" : "es",
			t->plan.method, erase_verify_name(t->plan.verify),
			(unsigned long long)t->res.bytes_read);
	else
		ui_err("%s: %s: %s", ui_safe(t->path), erase_result_name(t->res.code),
		       ui_safe(t->res.reason));
	return code;
}

/* The plan, and whether the target would be refused, without holding it. */
static int dry_run(struct erase_job *j, size_t i)
{
	const struct erase_target *t = &j->t[i];
	bool busy;
	int r;

	if (!t->identified)
		return result_exit(t);
	print_plan(t);
	r = erase_job_in_use(j, i, &busy);
	if (r)
		ui_err("%s: cannot tell whether it is in use: %s", ui_safe(t->path), strerror(-r));
	else if (busy)
		ui_err("%s would be refused: %s", ui_safe(t->path), ui_safe(t->why));
	return r || busy ? KESU_EXIT_REFUSED : KESU_EXIT_SUCCESS;
}

/* Its certificate, signed from the report it would get, and its files, before it is written. */
static void reserve_cert(const struct erase_cli *o, struct erase_job *j, size_t i)
{
	struct erase_target *t = &j->t[i];
	const struct erase_plan *p = &t->plan;
	bool reserving;
	int r;

	if (!o->certs)
		return;
	r = certsign_prepare(&o->certs[i], t, &o->jo.op, &o->cs.meta, o->signer, o->cert,
			     o->cert_dir, &reserving);
	if (!r)
		return;
	if (reserving)
		ui_err("%s: cannot write the certificate to %s: %s", ui_safe(t->path),
		       ui_safe(o->cert ? o->cert : o->cert_dir), strerror(-r));
	else if (r == -EOPNOTSUPP)
		ui_err("%s: method %s (%s, %s) would make no valid certificate", ui_safe(t->path),
		       p->method, p->category, p->technique);
	else
		ui_err("%s: cannot sign a certificate with %s: %s", ui_safe(t->path),
		       ui_safe(o->cs.sign_key), strerror(-r));
	erase_job_refuse(j, i, r,
			 reserving ? "the certificate cannot be written" :
				     "no certificate can be made of it");
}

/* The hook of erase/job: the signed certificate of a target that ran. */
static int issue_cert(const struct erase_target *t, const json_t *report, void *usr)
{
	const struct erase_cli *o = usr;
	struct certsign_out *out = &o->certs[t->index];
	char id[37];
	int r = certsign_issue(out, report, &o->cs.meta, o->signer, id);

	if (r)
		ui_err("%s: cannot write the certificate: %s", ui_safe(t->path), strerror(-r));
	else
		fprintf(stderr, "kesu: %s: certificate %s in %s\n", ui_safe(t->path), id,
			ui_safe(out->path));
	return r;
}

/* Hold every target, then ask about each, before any is written. */
static void hold_all(const struct erase_cli *o, struct erase_job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct erase_target *t = &j->t[i];

		if (erase_job_identify(j, i)) {
			ui_err("%s: %s", ui_safe(t->path), ui_safe(t->why));
			continue;
		}
		if (o->dry_run)
			continue;
		if (!erase_job_hold(j, i)) {
			reserve_cert(o, j, i);
			continue;
		}
		if (t->report_err)
			ui_err("%s: cannot write the report to %s: %s", ui_safe(t->path),
			       ui_safe(o->jo.report ? o->jo.report : o->jo.report_dir),
			       strerror(-t->report_err));
		else
			ui_err("refusing to erase %s: %s", ui_safe(t->path), ui_safe(t->why));
	}
	for (size_t i = 0; i < j->n && !o->dry_run && !o->yes; i++) {
		int r = j->t[i].held ? ui_confirm(&j->t[i].info, "erase") : 0;

		if (r)
			erase_job_refuse(j, i, r, r == -EINTR ? "interrupted" : "not confirmed");
	}
}

static int run(struct erase_cli *o, struct erase_job *j)
{
	struct display *disp = display_new(o->quiet ? DISPLAY_NONE : o->progress, j->n);
	int code = KESU_EXIT_SUCCESS;

	if (!disp) {
		ui_err("out of memory");
		return KESU_EXIT_FAILURE;
	}
	for (size_t i = 0; i < j->n; i++)
		j->t[i].progress_usr = display_slot(disp, i);
	erase_job_run(j);
	display_free(disp);
	for (size_t i = 0; i < j->n; i++)
		code = ui_exit_worst(code, finish(o, j, i));
	return code;
}

int cmd_erase(int argc, char **argv)
{
	struct erase_cli o;
	struct erase_job *j = NULL;
	int r, code = KESU_EXIT_SUCCESS;

	r = erase_cli_parse(argc, argv, &o);
	if (r >= 0)
		return r;
	o.jo.who = ui_who();
	o.jo.abort = &ui_interrupted;
	o.jo.progress = display_progress;
	/* the key's passphrase now, not after an hour of erasing */
	if ((o.cert || o.cert_dir) && !o.dry_run) {
		r = certsign_load(&o.cs, CERT_ROLE_OPERATOR, &o.signer);
		if (!r && (r = certsign_operator_check("erase", o.jo.op.name, o.signer)))
			cert_signer_free(o.signer);
		if (r)
			return r;
		o.certs = calloc((size_t)(argc - optind), sizeof(*o.certs));
		o.jo.report_done = issue_cert;
		o.jo.report_done_usr = &o;
	}
	/* a signal from now on ends the run with reports, not the process */
	ui_catch_interrupts();
	r = o.signer && !o.certs ? -ENOMEM :
				   erase_job_new(&o.jo, argv + optind, (size_t)(argc - optind), &j);
	if (r) {
		ui_err("out of memory");
		cert_signer_free(o.signer);
		free(o.certs);
		return KESU_EXIT_FAILURE;
	}
	hold_all(&o, j);
	if (o.dry_run) {
		for (size_t i = 0; i < j->n; i++)
			code = ui_exit_worst(code, dry_run(j, i));
	} else {
		code = run(&o, j);
	}
	for (size_t i = 0; o.certs && i < j->n; i++)
		certsign_out_release(&o.certs[i]);
	free(o.certs);
	cert_signer_free(o.signer);
	erase_job_free(j);
	return code;
}
