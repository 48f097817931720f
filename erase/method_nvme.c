// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NVMe methods: Format NVM with a secure erase setting, and Sanitize
 * (block erase, crypto erase, overwrite) awaited through the Sanitize
 * Status log. Each runs through purge_run(), which verifies the result.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libnvme.h>

#include "log.h"
#include "purge.h"

/* a format may take long on large drives; a sanitize runs in the background */
#define FORMAT_TIMEOUT_MS (4u * 3600 * 1000)
#define SANITIZE_CDW10_AUSE 0x8u
/* log reads that may still show no sanitize right after one was started */
#define SANITIZE_START_GRACE 30

static bool nvme_probed(const struct erase_caps *c, char *why, size_t len)
{
	if (c && c->nvme)
		return true;
	snprintf(why, len, "not an NVMe drive%s%s", c && c->why[0] ? ": " : "",
		 c && c->why[0] ? c->why : "");
	return false;
}

static bool format_user_supported(const struct erase_caps *c, char *why, size_t len)
{
	if (!nvme_probed(c, why, len))
		return false;
	if (!c->nvme_id.format) {
		snprintf(why, len, "format not supported (oacs %#x)", c->nvme_id.oacs);
		return false;
	}
	return true;
}

static bool format_crypto_supported(const struct erase_caps *c, char *why, size_t len)
{
	if (!format_user_supported(c, why, len))
		return false;
	if (!c->nvme_id.format_crypto) {
		snprintf(why, len, "crypto erase not supported (fna %#x)", c->nvme_id.fna);
		return false;
	}
	return true;
}

static bool sanitize_supported(const struct erase_caps *c, bool want, const char *what, char *why,
			       size_t len)
{
	if (!nvme_probed(c, why, len))
		return false;
	if (!c->nvme_id.sanitize) {
		snprintf(why, len, "sanitize not supported (sanicap %#x)", c->nvme_id.sanicap);
		return false;
	}
	if (!want) {
		snprintf(why, len, "sanitize %s not supported (sanicap %#x)", what,
			 c->nvme_id.sanicap);
		return false;
	}
	return true;
}

static bool sanitize_block_supported(const struct erase_caps *c, char *why, size_t len)
{
	return sanitize_supported(c, c && c->nvme_id.sanitize_block, "block erase", why, len);
}

static bool sanitize_crypto_supported(const struct erase_caps *c, char *why, size_t len)
{
	return sanitize_supported(c, c && c->nvme_id.sanitize_crypto, "crypto erase", why, len);
}

static bool sanitize_overwrite_supported(const struct erase_caps *c, char *why, size_t len)
{
	return sanitize_supported(c, c && c->nvme_id.sanitize_overwrite, "overwrite", why, len);
}

/* What deallocated blocks read as, when Identify Namespace states it (DLFEAT). */
static bool expect_dlfeat(const struct erase_opts *o, struct pattern *p)
{
	const struct erase_caps *c = o->caps;

	if (!c || !c->nvme_ns_ok)
		return false;
	if (c->nvme_ns.dlfeat == SANITIZE_NVME_DLFEAT_ZERO)
		return pattern_parse("zero", p) == 0;
	if (c->nvme_ns.dlfeat == SANITIZE_NVME_DLFEAT_ONE)
		return pattern_parse("one", p) == 0;
	return false;
}

static void set_status(json_t *detail, int status)
{
	json_object_set_new(detail, "status", json_integer(status > 0 ? status : 0));
	json_object_set_new(detail, "status_text",
			    json_string(status > 0 ? fw_nvme_status_text(status) : "success"));
}

/* The command failed: its status in @why, folded into an errno. */
static int command_error(int status, const char *what, char *why, size_t len)
{
	if (status > 0) {
		snprintf(why, len, "%s: %s (status %#x)", what, fw_nvme_status_text(status),
			 (unsigned)status);
		kesu_log(KESU_LOG_WARN, "%s", why);
		return fw_nvme_errno(status);
	}
	snprintf(why, len, "%s: %s", what, strerror(-status));
	return status;
}

/* Progress of the drive's work, @elapsed_ms after it started */
static void phase(const struct erase_opts *o, const struct dev *d, uint64_t elapsed_ms,
		  uint64_t done, bool final)
{
	struct progress p = { .target = d->path,
			      .phase = "purge",
			      .pass = 1,
			      .npasses = 1,
			      .done = done,
			      .total = d->size,
			      .final = final,
			      .elapsed_ms = elapsed_ms };

	if (o->progress)
		o->progress(&p, o->progress_usr);
}

/* milliseconds since @t0 (CLOCK_MONOTONIC) */
static uint64_t ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000 +
	       (uint64_t)((now.tv_nsec - t0->tv_nsec) / 1000000);
}

static int format_exec(struct dev *d, const struct erase_opts *o, enum sanitize_nvme_ses ses,
		       json_t *detail, char *why, size_t len)
{
	const struct erase_caps *c = o->caps;
	struct nvme_passthru_cmd cmd;
	struct timespec t0;
	bool all;
	int ret;

	if (!o->fw || !c || !c->nvme || !c->nvme_ns_ok) {
		snprintf(why, len, "the namespace's LBA format is unknown (Identify Namespace)");
		return -ENODATA;
	}
	/* fna: a format, or a secure erase, may reach every namespace of the controller */
	all = c->nvme_id.format_all_ns || c->nvme_id.erase_all_ns;
	ret = sanitize_nvme_format(&cmd, c->nvme_nsid, c->nvme_ns.lbaf, ses);
	if (ret)
		return ret;
	cmd.timeout_ms = FORMAT_TIMEOUT_MS;
	json_object_set_new(detail, "scope", json_string(all ? "all-namespaces" : "namespace"));
	json_object_set_new(detail, "nsid", json_integer(c->nvme_nsid));
	json_object_set_new(detail, "lbaf", json_integer(c->nvme_ns.lbaf));
	json_object_set_new(detail, "ses", json_integer(ses));
	json_object_set_new(detail, "cdw10", json_integer(cmd.cdw10));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	phase(o, d, 0, 0, false);
	ret = fw_nvme_admin(o->fw, &cmd);
	set_status(detail, ret);
	if (ret)
		return command_error(ret, "format nvm", why, len);
	phase(o, d, ms_since(&t0), d->size, true);
	return 0;
}

static int format_user_exec(struct dev *d, const struct erase_plan *plan,
			    const struct erase_opts *o, json_t *detail, char *why, size_t len)
{
	return format_exec(d, o, SANITIZE_NVME_SES_USER, detail, why, len);
}

static int format_crypto_exec(struct dev *d, const struct erase_plan *plan,
			      const struct erase_opts *o, json_t *detail, char *why, size_t len)
{
	return format_exec(d, o, SANITIZE_NVME_SES_CRYPTO, detail, why, len);
}

static int read_log(struct fw *f, struct sanitize_nvme_log *log, char *why, size_t len)
{
	struct nvme_passthru_cmd cmd;
	uint8_t buf[SANITIZE_NVME_LOG_LEN];
	int ret;

	sanitize_nvme_get_log(&cmd, buf);
	ret = fw_nvme_admin(f, &cmd);
	if (ret)
		return command_error(ret, "sanitize status log", why, len);
	ret = sanitize_nvme_parse_log(buf, sizeof(buf), log);
	if (ret)
		snprintf(why, len, "sanitize status log: malformed (state %u)",
			 (unsigned)(log->sstat & 7));
	return ret;
}

static json_t *log_json(const struct sanitize_nvme_log *l)
{
	return json_pack("{s:i,s:i,s:s,s:i,s:b,s:I,s:I,s:I,s:I}", "sprog", l->sprog, "sstat",
			 l->sstat, "state", sanitize_nvme_state_name(l->state), "passes", l->passes,
			 "global_data_erased", l->global_data_erased, "scdw10",
			 (json_int_t)l->scdw10, "eto", (json_int_t)l->eto, "etbe",
			 (json_int_t)l->etbe, "etce", (json_int_t)l->etce);
}

static int sanitize_cmd(struct fw *f, const struct sanitize_nvme_args *a, const char *what,
			json_t *detail, char *why, size_t len)
{
	struct nvme_passthru_cmd cmd;
	int ret = sanitize_nvme_sanitize(&cmd, a);

	if (ret)
		return ret;
	ret = fw_nvme_admin(f, &cmd);
	if (a->sanact != SANITIZE_NVME_EXIT_FAILURE) {
		json_object_set_new(detail, "cdw10", json_integer(cmd.cdw10));
		set_status(detail, ret);
	}
	return ret ? command_error(ret, what, why, len) : 0;
}

/*
 * A drive whose last sanitize failed: leave failure mode when the person
 * asked for it. After a sanitize started with AUSE set the Exit Failure Mode
 * action may be used; after one without, only a new sanitize (which
 * follows) recovers, and Exit Failure Mode would be aborted (NVMe 2.0).
 */
static int leave_failure(const struct erase_opts *o, const struct sanitize_nvme_log *l,
			 json_t *detail, char *why, size_t len)
{
	struct sanitize_nvme_args a = { .sanact = SANITIZE_NVME_EXIT_FAILURE };

	if (!o->exit_failure_mode) {
		snprintf(why, len, "the drive is in sanitize failure mode");
		return -EPERM;
	}
	if (!(l->scdw10 & SANITIZE_CDW10_AUSE)) {
		json_object_set_new(detail, "failure_mode",
				    json_string("restricted: a new sanitize recovers"));
		return 0;
	}
	json_object_set_new(detail, "failure_mode",
			    json_string("unrestricted: exit failure mode issued"));
	return sanitize_cmd(o->fw, &a, "sanitize exit failure mode", detail, why, len);
}

struct await_ctx {
	struct dev *d;
	const struct erase_opts *o;
	struct sanitize_nvme_log log;
	unsigned idle;
};

/* One read of the Sanitize Status log, for purge_await(). */
static int poll_log(struct purge_await *w)
{
	struct await_ctx *a = w->usr;
	struct sanitize_nvme_log *l = &a->log;
	int ret = read_log(a->o->fw, l, w->why, w->len);

	if (ret)
		return ret;
	snprintf(w->status, sizeof(w->status), "sstat %#06x (%s)", l->sstat,
		 sanitize_nvme_state_name(l->state));
	if (l->state == SANITIZE_NVME_IN_PROGRESS) {
		w->progress = l->sprog;
		w->progress_valid = true;
		phase(a->o, a->d, w->elapsed_ms, a->d->size / 65536 * l->sprog, false);
		return PURGE_BUSY;
	}
	w->progress_valid = false;
	/* right after the command the log may not show the sanitize yet */
	if (l->state == SANITIZE_NVME_NEVER && ++a->idle < SANITIZE_START_GRACE)
		return PURGE_BUSY;
	return PURGE_DONE;
}

/* The drive's estimate for the sanitize action @sanact, from the log (seconds) */
static uint64_t estimate_ms(const struct sanitize_nvme_log *l, unsigned sanact)
{
	uint32_t s;

	switch (sanact) {
	case SANITIZE_NVME_BLOCK: s = l->etbe; break;
	case SANITIZE_NVME_CRYPTO: s = l->etce; break;
	case SANITIZE_NVME_OVERWRITE: s = l->eto; break;
	default: s = 0;
	}
	return s && s != UINT32_MAX ? (uint64_t)s * 1000 : 0;
}

/*
 * Poll the Sanitize Status log until the sanitize has ended; @before: the
 * log read before, whose estimated times bound the wait
 */
static int await_sanitize(struct dev *d, const struct erase_opts *o,
			  const struct sanitize_nvme_log *before, unsigned sanact, json_t *detail,
			  char *why, size_t len)
{
	struct await_ctx a = { .d = d, .o = o };
	struct purge_await w = { .what = "sanitize",
				 .poll = poll_log,
				 .usr = &a,
				 .estimate_ms = estimate_ms(before, sanact),
				 .overwrite = sanact == SANITIZE_NVME_OVERWRITE };
	int ret = purge_await_run(&w, o, detail, why, len);

	if (ret)
		return ret;
	json_object_set_new(detail, "log", log_json(&a.log));
	if (a.log.state == SANITIZE_NVME_FAILED) {
		snprintf(why, len, "the drive reports the sanitize failed (sstat %#x)",
			 a.log.sstat);
		return -EIO;
	}
	if (a.log.state == SANITIZE_NVME_NEVER) {
		snprintf(why, len, "the sanitize status log never showed the sanitize");
		return -EIO;
	}
	phase(o, d, w.elapsed_ms, d->size, true);
	return 0;
}

static int sanitize_exec(struct dev *d, const struct erase_opts *o, enum sanitize_nvme_sanact act,
			 json_t *detail, char *why, size_t len)
{
	struct sanitize_nvme_args a = { .sanact = act };
	struct sanitize_nvme_log l;
	int ret;

	if (act == SANITIZE_NVME_OVERWRITE)
		a.owpass = 1;
	if (!o->fw)
		return -ENODEV;
	json_object_set_new(detail, "scope", json_string("nvm-subsystem"));
	ret = read_log(o->fw, &l, why, len);
	if (ret)
		return ret;
	json_object_set_new(detail, "log_before", log_json(&l));
	if (l.state == SANITIZE_NVME_IN_PROGRESS) {
		/* after a crash or a power loss: await it, a new one would be aborted */
		json_object_set_new(detail, "awaited_in_progress", json_true());
		kesu_log(KESU_LOG_INFO, "%s: a sanitize is in progress (%u%%): awaiting it",
			 d->path, (unsigned)(l.sprog * 100u / 65536u));
		return await_sanitize(d, o, &l, l.scdw10 & 7, detail, why, len);
	}
	if (l.state == SANITIZE_NVME_FAILED) {
		ret = leave_failure(o, &l, detail, why, len);
		if (ret)
			return ret;
	}
	ret = sanitize_cmd(o->fw, &a, "sanitize", detail, why, len);
	if (ret)
		return ret;
	return await_sanitize(d, o, &l, act, detail, why, len);
}

static int sanitize_block_exec(struct dev *d, const struct erase_plan *plan,
			       const struct erase_opts *o, json_t *detail, char *why, size_t len)
{
	return sanitize_exec(d, o, SANITIZE_NVME_BLOCK, detail, why, len);
}

static int sanitize_crypto_exec(struct dev *d, const struct erase_plan *plan,
				const struct erase_opts *o, json_t *detail, char *why, size_t len)
{
	return sanitize_exec(d, o, SANITIZE_NVME_CRYPTO, detail, why, len);
}

static int sanitize_overwrite_exec(struct dev *d, const struct erase_plan *plan,
				   const struct erase_opts *o, json_t *detail, char *why,
				   size_t len)
{
	return sanitize_exec(d, o, SANITIZE_NVME_OVERWRITE, detail, why, len);
}

static const struct purge_cmd format_user = { "nvme format nvm ses=1 (user data erase)",
					      format_user_exec, expect_dlfeat };
static const struct purge_cmd format_crypto = { "nvme format nvm ses=2 (cryptographic erase)",
						format_crypto_exec, NULL };
static const struct purge_cmd sanitize_block = { "nvme sanitize block erase", sanitize_block_exec,
						 expect_dlfeat };
static const struct purge_cmd sanitize_crypto = { "nvme sanitize crypto erase",
						  sanitize_crypto_exec, NULL };
static const struct purge_cmd sanitize_overwrite = { "nvme sanitize overwrite (1 pass of 0x00)",
						     sanitize_overwrite_exec, NULL };

/* A result that ends the run before anything was written. */
static void end_early(struct erase_result *r, enum erase_result_code code, int err,
		      const struct purge_cmd *c, const char *why, json_t *purge)
{
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->started);
	r->finished = r->started;
	r->code = code;
	r->err = err == -EINTR ? 0 : err;
	snprintf(r->reason, sizeof(r->reason), "%s: %s", c->command, why);
	json_object_set_new(purge, "command", json_string(c->command));
	json_object_set_new(purge, "verification", json_pack("{s:s}", "result", "not-run"));
	r->purge = purge;
	kesu_log(KESU_LOG_WARN, "%s", r->reason);
}

/*
 * Before anything is read or written: a sanitize still in progress (after a
 * crash or a power loss) is awaited, never restarted; a drive left in
 * sanitize failure mode is refused unless the person asked to leave it.
 * The run's own sanitize follows, so that its effect can be verified.
 * Return: true when the run ends here (@r holds the result); else
 * *@earlier is the awaited sanitize (or NULL), for the report
 */
static bool sanitize_prepare(struct dev *d, const struct erase_opts *o, const struct purge_cmd *c,
			     struct erase_result *r, json_t **earlier)
{
	struct sanitize_nvme_log l;
	char why[192] = "";
	json_t *p = json_object();
	int ret = o->fw ? read_log(o->fw, &l, why, sizeof(why)) : -ENODEV;

	*earlier = NULL;
	if (!ret && l.state == SANITIZE_NVME_IN_PROGRESS) {
		kesu_log(KESU_LOG_INFO, "%s: a sanitize is in progress (%u%%): awaiting it",
			 d->path, (unsigned)(l.sprog * 100u / 65536u));
		*earlier = json_pack("{s:o}", "log_before", log_json(&l));
		ret = await_sanitize(d, o, &l, l.scdw10 & 7, *earlier, why, sizeof(why));
		if (ret == -EIO) /* it failed: the drive is in failure mode now */
			ret = read_log(o->fw, &l, why, sizeof(why));
	}
	if (!ret && l.state == SANITIZE_NVME_FAILED && !o->exit_failure_mode) {
		snprintf(why, sizeof(why),
			 "an earlier sanitize failed and the drive is in sanitize failure "
			 "mode; run again with --exit-failure-mode");
		ret = -EPERM;
	}
	if (!ret) {
		json_decref(p);
		return false;
	}
	if (*earlier)
		json_object_set_new(p, "resumed", *earlier);
	*earlier = NULL;
	end_early(r,
		  ret == -EPERM ? ERASE_REFUSED :
		  ret == -EINTR ? ERASE_ABORTED :
				  ERASE_FAILED,
		  ret, c, why[0] ? why : strerror(-ret), p);
	return true;
}

/* Run @c; a sanitize first settles what the drive was doing. */
static int run_cmd(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,
		   struct erase_result *r, const struct purge_cmd *c, bool sanitize)
{
	json_t *earlier = NULL;
	int ret;

	if (sanitize && sanitize_prepare(d, o, c, r, &earlier))
		return r->code == ERASE_ABORTED ? -EINTR : 0;
	ret = purge_run(d, plan, o, r, c);
	if (earlier && r->purge)
		json_object_set(r->purge, "resumed", earlier);
	json_decref(earlier);
	return ret;
}

#define RUN(name, cmd, check)                                                                      \
	static int name(struct dev *d, const struct erase_plan *plan, const struct erase_opts *o,  \
			struct erase_result *r)                                                    \
	{                                                                                          \
		return run_cmd(d, plan, o, r, &cmd, check);                                        \
	}
RUN(run_format_user, format_user, false)
RUN(run_format_crypto, format_crypto, false)
RUN(run_sanitize_block, sanitize_block, true)
RUN(run_sanitize_crypto, sanitize_crypto, true)
RUN(run_sanitize_overwrite, sanitize_overwrite, true)

/* firmware methods write no passes of their own */
static int no_passes(struct erase_plan *plan, const char *arg)
{
	return 0;
}

const struct erase_method erase_methods_nvme[] = {
	{ "nvme-sanitize-crypto", "purge", "crypto-erase",
	  "NVMe Sanitize, crypto erase: the media encryption key is changed", no_passes,
	  run_sanitize_crypto, sanitize_crypto_supported },
	{ "nvme-sanitize-block", "purge", "block-erase",
	  "NVMe Sanitize, block erase: every block of the NVM subsystem erased", no_passes,
	  run_sanitize_block, sanitize_block_supported },
	{ "nvme-sanitize-overwrite", "purge", "overwrite",
	  "NVMe Sanitize, overwrite: the drive overwrites every block once", no_passes,
	  run_sanitize_overwrite, sanitize_overwrite_supported },
	{ "nvme-format-crypto", "purge", "crypto-erase",
	  "NVMe Format NVM, SES=2: cryptographic erase of the namespace", no_passes,
	  run_format_crypto, format_crypto_supported },
	{ "nvme-format-user", "purge", "block-erase",
	  "NVMe Format NVM, SES=1: user data erase of the namespace", no_passes, run_format_user,
	  format_user_supported },
	{ NULL },
};
