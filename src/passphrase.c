// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "passphrase.h"
#include "secmem.h"

/* One line, byte by byte so nothing past the newline is consumed. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

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
	r = read_line(fd, buf, PASSPHRASE_MAX);
	if (r) {
		secmem_free(buf);
		return r;
	}
	*pass = buf;
	return 0;
}

static int ask(int in, FILE *out, const char *prompt, char *buf)
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
	r = read_line(in, buf, PASSPHRASE_MAX);
	tcsetattr(in, TCSAFLUSH, &old);
	fputc('\n', out);
	return r;
}

int passphrase_read(int in, FILE *out, const char *prompt, bool confirm, char **pass)
{
	char *first = NULL, *again = NULL;
	char prompt2[256];
	int r;

	if (!isatty(in))
		return -ENOTTY;
	first = secmem_alloc(PASSPHRASE_MAX);
	again = confirm ? secmem_alloc(PASSPHRASE_MAX) : NULL;
	if (!first || (confirm && !again)) {
		r = -ENOMEM;
		goto out;
	}
	r = ask(in, out, prompt, first);
	if (r || !confirm)
		goto out;
	snprintf(prompt2, sizeof(prompt2), "%s (again)", prompt);
	r = ask(in, out, prompt2, again);
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
