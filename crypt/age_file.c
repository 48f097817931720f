// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age_file.h"
#include "file.h"
#include "secmem.h"

/* written back in steps of this much: about 3 ms of the final fsync left per step */
#define AGE_FILE_FLUSH_WINDOW (16u << 20)
/* O_DIRECT: buffer, length and offset in multiples of this (a page; sectors are at most that) */
#define AGE_FILE_DIRECT_ALIGN 4096u

/*
 * The lines of a recipients (@ids NULL) or identity file: "#" comments and
 * blank lines are skipped, every other line must parse. A line may end in
 * CR LF, as files edited on Windows do; age drops that CR too.
 */
static int add_lines(char *buf, struct age_recipients **rs, struct age_identities **ids,
		     struct age_file_error *err)
{
	char *line, *next, *end;
	size_t found = 0;
	int r = 0;

	err->line = 0;
	for (line = buf; line && !r; line = next) {
		next = strchr(line, '\n');
		end = next ? next : line + strlen(line);
		if (next)
			*next++ = '\0';
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		err->line++;
		if (!*line || *line == '#')
			continue;
		r = ids ? age_identity_add(ids, line, err->why, sizeof(err->why)) :
			  age_recipient_add(rs, line, err->why, sizeof(err->why));
		found++;
	}
	if (!r)
		err->found = found;
	return r ? r : found ? 0 : -ENODATA;
}

/* an identity file encrypted with a passphrase (age -p): its lines once decrypted */
static int add_encrypted(const char *buf, size_t len, const char *path, struct age_identities **ids,
			 const struct age_key_pass *kp, struct age_file_error *err)
{
	char *plain = NULL;
	int r = age_identity_file_open(buf, len, path, kp, &plain, err->why, sizeof(err->why));

	if (!r)
		r = add_lines(plain, NULL, ids, err);
	secmem_free(plain);
	return r;
}

/* Identities are secret keys: secure memory, and a file that is the owner's alone. */
static int load(const char *path, struct age_recipients **rs, struct age_identities **ids,
		const struct age_key_pass *kp, struct age_file_error *err)
{
	char *buf = NULL;
	size_t len;
	int r = ids ? file_read_secret(path, AGE_IDENTITY_FILE_MAX, &buf, &len) :
		      file_read(path, AGE_RECIPIENTS_FILE_MAX, &buf, &len);

	err->reading = r != 0;
	err->found = 0;
	err->line = 0;
	/* an SSH private key (or another PEM key, refused with the reason) */
	if (!r && ids && age_ssh_is_private(buf))
		r = age_ssh_identity_add(ids, buf, len, path, kp, err->why, sizeof(err->why));
	else if (!r && ids && age_identity_is_encrypted(buf, len))
		r = add_encrypted(buf, len, path, ids, kp, err);
	else if (!r)
		r = add_lines(buf, rs, ids, err);
	if (ids)
		secmem_free(buf);
	else
		free(buf);
	return r;
}

int age_recipients_load(struct age_recipients **rs, const char *path, struct age_file_error *err)
{
	return load(path, rs, NULL, NULL, err);
}

int age_identities_load(struct age_identities **ids, const char *path, struct age_file_error *err)
{
	return load(path, NULL, ids, NULL, err);
}

int age_identities_load_pass(struct age_identities **ids, const char *path,
			     const struct age_key_pass *kp, struct age_file_error *err)
{
	return load(path, NULL, ids, kp, err);
}

int age_file_open_input(struct age_file_io *io, const char *path)
{
	io->in = STDIN_FILENO;
	if (path) {
		io->in = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (io->in < 0)
			return -errno;
	}
	if (fstat(io->in, &io->in_st) < 0)
		return -errno;
	return S_ISDIR(io->in_st.st_mode) ? -EISDIR : 0;
}

bool age_file_is_input(const struct age_file_io *io, const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_dev == io->in_st.st_dev && st.st_ino == io->in_st.st_ino;
}

bool age_file_is_device(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

/*
 * The output file is written with O_DIRECT while the writes are whole
 * aligned blocks, as decryption's batches are: no copy into the page cache,
 * whose new pages cost more here than the disk does (1 GiB decrypted with the
 * fsync: 1.01 s against 1.31 s, CPU 0.70 s against 0.91 s, medians of 7
 * interleaved runs), and the fsync before publication finds nothing but the
 * device's cache. The first write that is not aligned (an encrypted file's
 * header, the short last batch) ends it for the rest of the file; a file
 * system that refuses O_DIRECT never starts it.
 */
static void direct_set(struct age_file_io *io, bool on)
{
	int fl = fcntl(io->out, F_GETFL);

	io->direct = on && fl >= 0 && fcntl(io->out, F_SETFL, fl | O_DIRECT) == 0;
	if (!on && fl >= 0)
		fcntl(io->out, F_SETFL, fl & ~O_DIRECT);
}

static bool direct_fits(const struct age_file_io *io, const void *buf, size_t len)
{
	return !((uintptr_t)buf % AGE_FILE_DIRECT_ALIGN) && !(len % AGE_FILE_DIRECT_ALIGN) &&
	       !(io->written % AGE_FILE_DIRECT_ALIGN);
}

int age_file_open_output(struct age_file_io *io, const char *path, unsigned flags)
{
	size_t size = S_ISREG(io->in_st.st_mode) ? (size_t)io->in_st.st_size : 0;
	int r;

	io->out = STDOUT_FILENO;
	if (!path)
		return 0;
	/* a device has no directory entry to publish: written in place, as standard output is */
	if (age_file_is_device(path)) {
		io->out = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (io->out < 0)
			return -errno;
		io->out_dev = true;
		return 0;
	}
	r = outfile_reserve(&io->of, path, size, flags);
	if (!r) {
		io->out = io->of.fd;
		direct_set(io, true);
	}
	return r;
}

static bool aborted(const struct age_file_io *io)
{
	return io->abort && *io->abort;
}

/*
 * Test builds: KESU_TEST_SLOW_READ=MS waits MS milliseconds before each read
 * of 64 KiB at most, so that a regular file takes long enough for progress
 * to show.
 */
static size_t test_slow_read(size_t len)
{
#ifdef KESU_TEST_HOOKS
	const char *v = getenv("KESU_TEST_SLOW_READ");

	if (v && *v) {
		usleep((useconds_t)strtoul(v, NULL, 10) * 1000);
		return len < (64 << 10) ? len : (64 << 10);
	}
#endif
	return len;
}

/* An interrupt ends the work through the error path: no output is published. */
ssize_t age_file_read(void *usr, void *buf, size_t len)
{
	struct age_file_io *io = usr;

	len = test_slow_read(len);
	for (;;) {
		ssize_t n;

		if (aborted(io))
			return -EINTR;
		n = read(io->in, buf, len);
		/* the signal may have gone to another thread while this one waited */
		if (aborted(io))
			return -EINTR;
		if (n > 0)
			io->nread += (uint64_t)n;
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

int age_file_write(void *usr, const void *buf, size_t len)
{
	struct age_file_io *io = usr;
	const char *p = buf;

	if (io->direct && !direct_fits(io, buf, len))
		direct_set(io, false);
	while (len) {
		ssize_t n;

		if (aborted(io))
			return -EINTR;
		n = write(io->out, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		/* a device or file system stricter than the alignment: the page cache */
		if (n < 0 && errno == EINVAL && io->direct) {
			direct_set(io, false);
			continue;
		}
		if (n < 0)
			return io->werr = -errno;
		p += n;
		len -= (size_t)n;
		io->written += (uint64_t)n;
		/* a short write leaves the rest unaligned */
		if (len && io->direct && !direct_fits(io, p, len))
			direct_set(io, false);
	}
	/*
	 * Through the page cache (an encrypted file, or where O_DIRECT ended):
	 * write back as the file grows, whatever its size: the commit's fsync,
	 * which must come before the file is published, then finds almost
	 * nothing left (about 0.02 s instead of 0.5 s for 1 GiB here), the disk
	 * works while the chunks are still being sealed or opened, and a file
	 * larger than memory does not push everything else out of the page
	 * cache. Each call costs well under a millisecond per window.
	 */
	if (io->of.fd >= 0 && !io->direct)
		outfile_flush_behind(&io->of, AGE_FILE_FLUSH_WINDOW);
	return 0;
}

int age_file_commit(struct age_file_io *io)
{
	return io->of.fd < 0 ? 0 : outfile_commit_written(&io->of);
}

void age_file_close(struct age_file_io *io)
{
	if (io->in > STDIN_FILENO)
		close(io->in);
	io->in = -1;
	if (io->out_dev)
		close(io->out);
	io->out_dev = false;
	io->out = -1;
	outfile_release(&io->of);
}
