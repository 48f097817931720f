// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "passphrase.h"
#include "secmem.h"
#include "strength.h"
#include "text.h"

/* One line, byte by byte so nothing past the newline is consumed. */
static int read_line(int fd, char *buf, size_t size, volatile sig_atomic_t *abort)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR && abort && *abort)
			return -EINTR;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= size) {
			secmem_wipe(&c, 1);
			return -EMSGSIZE;
		}
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n ? 0 : -ENODATA;
}

int passphrase_from_fd(int fd, char **pass)
{
	char *buf = secmem_alloc(PASSPHRASE_MAX);
	int r;

	if (!buf)
		return -ENOMEM;
	r = read_line(fd, buf, PASSPHRASE_MAX, NULL);
	if (r) {
		secmem_free(buf);
		return r;
	}
	*pass = buf;
	return 0;
}

static int ask(int in, FILE *out, const char *prompt, char *buf, volatile sig_atomic_t *abort)
{
	struct termios old, quiet;
	int r;

	if (tcgetattr(in, &old) < 0)
		return -ENOTTY;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	fprintf(out, "%s: ", prompt);
	fflush(out);
	if (tcsetattr(in, TCSAFLUSH, &quiet) < 0)
		return -errno;
	r = read_line(in, buf, PASSPHRASE_MAX, abort);
	tcsetattr(in, TCSAFLUSH, &old);
	fputc('\n', out);
	return r;
}

int passphrase_get(int in, FILE *out, const char *prompt, volatile sig_atomic_t *abort, char **pass)
{
	char *buf;
	int r;

	if (!isatty(in))
		return -ENOTTY;
	buf = secmem_alloc(PASSPHRASE_MAX);
	if (!buf)
		return -ENOMEM;
	r = ask(in, out, prompt, buf, abort);
	if (r) {
		secmem_free(buf);
		return r;
	}
	*pass = buf;
	return 0;
}

int passphrase_read(int in, FILE *out, const char *prompt, bool confirm, char **pass)
{
	char *first = NULL, *again = NULL;
	char prompt2[256];
	int r = passphrase_get(in, out, prompt, NULL, &first);

	if (r || !confirm)
		goto out;
	snprintf(prompt2, sizeof(prompt2), "%s (again)", prompt);
	r = passphrase_get(in, out, prompt2, NULL, &again);
	if (!r && strcmp(first, again))
		r = -EKEYREJECTED;
out:
	secmem_free(again);
	if (r) {
		secmem_free(first);
		return r;
	}
	*pass = first;
	return 0;
}

void passphrase_free(char *pass)
{
	secmem_free(pass);
}

int pass_source_opt(struct pass_source *s, bool is_fd, const char *arg, const char **why)
{
	char *end;
	long fd;

	if (pass_source_given(s)) {
		*why = (is_fd ? s->fd >= 0 : s->file != NULL) ?
			       (is_fd ? "--passphrase-fd given twice" :
					"--passphrase-file given twice") :
			       "--passphrase-fd and --passphrase-file exclude each other";
		return -EALREADY;
	}
	if (!is_fd) {
		s->file = arg;
		return 0;
	}
	errno = 0;
	fd = strtol(arg, &end, 10);
	if (!*arg || *end || errno || fd < 0 || fd > INT_MAX || *arg == '-' || *arg == '+') {
		*why = "invalid --passphrase-fd: give the number of an open descriptor";
		return -EINVAL;
	}
	s->fd = (int)fd;
	return 0;
}

bool pass_source_given(const struct pass_source *s)
{
	return s->file || s->fd >= 0;
}

void pass_source_close(struct pass_source *s)
{
	if (s->reading && s->file)
		close(s->in);
	s->reading = false;
}

/* "kesu: NAME: WHAT", NAME made safe for one line */
static void tell(const char *name, const char *what)
{
	char *safe = NULL;

	if (text_escape(name, &safe))
		safe = NULL;
	fprintf(stderr, "kesu: %s: %s\n", safe ? safe : "?", what);
	free(safe);
}

/* The file or descriptor, opened once: several lines are read from it in turn. */
static int open_source(struct pass_source *s)
{
	struct stat st;

	if (s->reading)
		return 0;
	if (!s->file) {
		s->in = s->fd;
		s->reading = true;
		return 0;
	}
	s->in = open(s->file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (s->in < 0)
		return -errno;
	if (fstat(s->in, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		int r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(s->in);
		return r;
	}
	s->reading = true;
	/* a FIFO without a writer yet: wait for one, like cat would */
	fcntl(s->in, F_SETFL, fcntl(s->in, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

/* Standard input when it is the terminal, else the controlling terminal. */
static int terminal(const struct pass_source *s, bool *opened)
{
	int fd;

	*opened = false;
	if (s->tty_set)
		return s->tty;
	if (isatty(STDIN_FILENO))
		return STDIN_FILENO;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	*opened = fd >= 0;
	return fd;
}

static int check_strength(const struct pass_request *req, const char *pass)
{
	char why[256] = "";

	if (!req->create || req->unchecked || !strength_check(pass, why, sizeof(why), NULL))
		return 0;
	if (req->allow_weak) {
		fprintf(stderr,
			"kesu: warning: the new passphrase is weak: %s; used anyway "
			"(--allow-weak)\n",
			why);
		return 0;
	}
	fprintf(stderr, "kesu: the new passphrase is too weak: %s (--allow-weak accepts it)\n",
		why);
	return -EKEYREJECTED;
}

/* On the terminal: once, the strength check, then again when it is new. */
static int from_terminal(const struct pass_request *req, char **out)
{
	FILE *o = req->src->out ? req->src->out : stderr;
	char *first = NULL, *again = NULL, prompt2[300];
	bool opened;
	int tty = terminal(req->src, &opened), r;

	if (tty < 0)
		return -ENOTTY;
	r = passphrase_get(tty, o, req->prompt, req->src->abort, &first);
	if (!r)
		r = check_strength(req, first);
	if (!r && req->create) {
		snprintf(prompt2, sizeof(prompt2), "%s (again)", req->prompt);
		r = passphrase_get(tty, o, prompt2, req->src->abort, &again);
		if (!r && strcmp(first, again))
			r = -ECANCELED;
	}
	if (opened)
		close(tty);
	secmem_free(again);
	if (r)
		secmem_free(first);
	else
		*out = first;
	return r;
}

static void explain(const struct pass_request *req, int r)
{
	const char *file = req->src->file;

	switch (r) {
	case -ENOTTY:
		tell(req->prompt, "no terminal to ask it on: give --passphrase-file or "
				  "--passphrase-fd");
		break;
	case -ECANCELED: tell(req->prompt, "the two answers differ: nothing was done"); break;
	case -EINTR: tell(req->prompt, "interrupted"); break;
	case -ENODATA: tell(req->prompt, "empty, or no line left to read"); break;
	case -EMSGSIZE: tell(req->prompt, "longer than 1023 bytes"); break;
	case -EKEYREJECTED: break; /* told by check_strength() */
	case -EISDIR:
	case -EINVAL: tell(file, "not a regular file or a pipe"); break;
	default:
		if (file)
			tell(file, strerror(-r));
		else
			tell(req->prompt, strerror(-r));
	}
}

int pass_resolve(const struct pass_request *req, char **out)
{
	int r;

	*out = NULL;
	if (pass_source_given(req->src)) {
		r = open_source(req->src);
		if (!r)
			r = passphrase_from_fd(req->src->in, out);
		if (!r && (r = check_strength(req, *out))) {
			passphrase_free(*out);
			*out = NULL;
		}
	} else {
		r = from_terminal(req, out);
	}
	if (r)
		explain(req, r);
	return r;
}
