// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The payload: STREAM over 64 KiB chunks, sealed or opened on worker threads.
 *
 * Chunks are independent once their counter is known, so the input is cut
 * into batches of BATCH chunks held in a small ring of slots: the calling
 * thread reads batches, the workers seal or open whole batches, and one
 * writer thread hands them to the output strictly in order, the batches
 * that are done one after the other in a single write. Memory is the ring
 * (2 x threads + 2 slots of 2 x 256 KiB), whatever the file size.
 *
 * Whether a chunk is the last one depends on what follows it, so the reader
 * reads one byte beyond each full batch; only the batch that ends the input
 * is "final", and only its last chunk carries the last-chunk flag.
 */
#include "config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age_int.h"

/*
 * Chunks per slot: 256 KiB of plaintext. A small ring keeps each batch in the
 * caches between the read, the crypto and the write; with 1 MiB batches
 * (a 12 MiB ring) the system time of writing the output to a file rose.
 */
#define BATCH 4
#define MAX_THREADS 64
#define STREAM_ALIGN 4096

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_BUSY, SLOT_DONE };

struct slot {
	uint8_t *in, *out;
	size_t in_len, out_len; /* decrypt: out_len counts authenticated chunks only */
	uint64_t first;		/* STREAM counter of the first chunk */
	bool final;		/* the input ends with this batch */
	int err;		/* the reader's or the worker's verdict */
	enum slot_state state;
};

/*
 * One condition per kind of waiter, each signalled only for what that
 * waiter needs: a filled slot wakes one worker, the slot the writer is
 * waiting for wakes the writer, and the writer frees what it wrote in one
 * go, waking the reader once per hand-off rather than once per chunk.
 */
struct pipe {
	struct age_stream *s;
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a slot was filled, or stop */
	pthread_cond_t done;  /* the slot the writer waits for is done, or stop */
	pthread_cond_t freed; /* the writer freed slots, or stop */
	struct slot *slot;
	uint8_t *outbuf; /* the slots' output, adjacent: consecutive slots go out in one write */
	size_t stride;	 /* a slot's share of outbuf: the output of a full batch */
	unsigned nslots;
	uint64_t filled, taken, written; /* batches, by sequence number */
	bool stop;
	int err;
	int carry; /* the byte read beyond the last full batch, or -1 */
	bool eof;
	uint64_t nread; /* payload bytes read, for s->progress */
};

static void fail(struct pipe *p, int err)
{
	if (!p->err)
		p->err = err;
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->done);
	pthread_cond_broadcast(&p->freed);
}

/* fill @sl with up to a batch, and find out whether the input ends there */
static int read_batch(struct pipe *p, struct slot *sl, size_t cap)
{
	size_t len = 0;
	ssize_t r;
	uint8_t b;

	if (p->carry >= 0) {
		sl->in[len++] = (uint8_t)p->carry;
		p->carry = -1;
	}
	while (len < cap && !p->eof) {
		r = p->s->rd(p->s->rusr, sl->in + len, cap - len);
		if (r < 0)
			return (int)r;
		if (r == 0)
			p->eof = true;
		len += (size_t)r;
		p->nread += (uint64_t)r;
	}
	if (!p->eof) {
		r = p->s->rd(p->s->rusr, &b, 1);
		if (r < 0)
			return (int)r;
		if (r == 0)
			p->eof = true;
		else
			p->carry = b;
		p->nread += (uint64_t)r;
	}
	sl->in_len = len;
	sl->final = p->eof;
	return 0;
}

static int seal_batch(void *ctx, struct slot *sl)
{
	size_t n = sl->in_len ? (sl->in_len + AGE_CHUNK - 1) / AGE_CHUNK : 1;
	uint8_t nonce[12];
	size_t j, off, len;
	int ret;

	sl->out_len = 0;
	for (j = 0; j < n; j++) {
		off = j * AGE_CHUNK;
		len = sl->in_len - off < AGE_CHUNK ? sl->in_len - off : AGE_CHUNK;
		age_stream_nonce(sl->first + j, sl->final && j == n - 1, nonce);
		ret = age_chunk_seal(ctx, nonce, sl->in + off, len, sl->out + j * AGE_CT_CHUNK);
		if (ret)
			return ret;
		sl->out_len += len + AGE_TAG_LEN;
	}
	return 0;
}

/* the last chunk of the input: the rules of the spec, then its flag */
static int open_last(void *ctx, struct slot *sl, uint64_t ctr, const uint8_t *in, size_t len,
		     uint8_t *out)
{
	uint8_t nonce[12];

	if (len < AGE_TAG_LEN)
		return -ENODATA; /* cut inside a chunk's tag */
	if (len == AGE_TAG_LEN && ctr != 0)
		return -EPROTO; /* an empty final chunk is only for an empty file */
	age_stream_nonce(ctr, true, nonce);
	if (age_chunk_open(ctx, nonce, in, len, out) == 0)
		return 0;
	/* a full chunk that opens as a middle one: the file was cut after it */
	age_stream_nonce(ctr, false, nonce);
	if (len == AGE_CT_CHUNK && age_chunk_open(ctx, nonce, in, len, out) == 0)
		return -ENODATA;
	return -EPROTO;
}

static int open_batch(void *ctx, struct slot *sl)
{
	size_t n = (sl->in_len + AGE_CT_CHUNK - 1) / AGE_CT_CHUNK;
	uint8_t nonce[12];
	size_t j, off, len;
	int ret;

	sl->out_len = 0;
	if (n == 0)
		return -ENODATA; /* no chunk at all after the nonce */
	for (j = 0; j < n; j++) {
		off = j * AGE_CT_CHUNK;
		len = sl->in_len - off < AGE_CT_CHUNK ? sl->in_len - off : AGE_CT_CHUNK;
		if (sl->final && j == n - 1) {
			ret = open_last(ctx, sl, sl->first + j, sl->in + off, len,
					sl->out + j * AGE_CHUNK);
		} else {
			age_stream_nonce(sl->first + j, false, nonce);
			ret = age_chunk_open(ctx, nonce, sl->in + off, len,
					     sl->out + j * AGE_CHUNK);
		}
		if (ret)
			return ret;
		sl->out_len += len - AGE_TAG_LEN;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct pipe *p = arg;
	void *ctx = age_chunk_ctx(p->s->key, p->s->decrypt);
	struct slot *sl;

	pthread_mutex_lock(&p->mu);
	if (!ctx)
		fail(p, -ENOMEM);
	for (;;) {
		while (!p->stop && p->taken == p->filled)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		sl = &p->slot[p->taken++ % p->nslots];
		sl->state = SLOT_BUSY;
		pthread_mutex_unlock(&p->mu);
		if (!sl->err)
			sl->err = p->s->decrypt ? open_batch(ctx, sl) : seal_batch(ctx, sl);
		pthread_mutex_lock(&p->mu);
		sl->state = SLOT_DONE;
		/* a slot ahead of the writer's waits for the one before it: no wake */
		if (sl == &p->slot[p->written % p->nslots])
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	EVP_CIPHER_CTX_free(ctx);
	return NULL;
}

/*
 * How many slots from the writer's on are done, in order, and can go out
 * together: they stop at the end of the ring, at the input's end, at a
 * failure and at a short batch (whose output does not fill its slot).
 */
static unsigned done_run(struct pipe *p)
{
	unsigned n = 0, i = (unsigned)(p->written % p->nslots);
	struct slot *sl;

	do {
		sl = &p->slot[i + n++];
	} while (i + n < p->nslots && !sl->final && !sl->err && sl->out_len == p->stride &&
		 p->written + n < p->filled && sl[1].state == SLOT_DONE);
	return n;
}

/* Write @n slots from @sl on: one write while they are full and adjacent. */
static int write_run(struct pipe *p, struct slot *sl, unsigned n, uint64_t *released)
{
	size_t len = 0;
	unsigned i;
	int ret;

	for (i = 0; i < n; i++)
		len += sl[i].out_len;
	/* decrypt: out_len stops before the first chunk that failed */
	ret = len ? p->s->wr(p->s->wusr, sl->out, len) : 0;
	if (!ret)
		*released = len;
	for (i = 0; !ret && i < n; i++)
		ret = sl[i].err;
	return ret;
}

static void *writer(void *arg)
{
	struct pipe *p = arg;
	uint64_t released;
	struct slot *sl;
	unsigned n, i;
	bool final;
	int ret;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		sl = &p->slot[p->written % p->nslots];
		while (!p->stop && !(p->written < p->filled && sl->state == SLOT_DONE))
			pthread_cond_wait(&p->done, &p->mu);
		if (p->stop)
			break;
		n = done_run(p);
		final = sl[n - 1].final;
		pthread_mutex_unlock(&p->mu);
		released = 0;
		ret = write_run(p, sl, n, &released);
		pthread_mutex_lock(&p->mu);
		if (p->s->decrypt)
			p->s->released += released;
		for (i = 0; i < n; i++)
			sl[i].state = SLOT_FREE;
		p->written += n;
		if (ret)
			fail(p, ret);
		else if (final)
			fail(p, 0);
		else
			pthread_cond_signal(&p->freed);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void reader(struct pipe *p)
{
	size_t cap = BATCH * (p->s->decrypt ? AGE_CT_CHUNK : AGE_CHUNK);
	struct slot *sl;
	uint64_t seq;
	bool last;
	int err;

	for (seq = 0;; seq++) {
		sl = &p->slot[seq % p->nslots];
		pthread_mutex_lock(&p->mu);
		while (!p->stop && sl->state != SLOT_FREE)
			pthread_cond_wait(&p->freed, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return;
		}
		pthread_mutex_unlock(&p->mu);
		/*
		 * A slot holds its previous batch until a worker fills it again; one
		 * that fails here is never given to a worker, so the writer must not
		 * find the old length in it.
		 */
		sl->out_len = 0;
		sl->final = false;
		sl->first = seq * BATCH;
		err = read_batch(p, sl, cap);
		sl->err = err;
		/* once published, the slot is the worker's: decide from what was read */
		last = sl->final || err;
		pthread_mutex_lock(&p->mu);
		sl->state = SLOT_FILLED;
		p->filled = seq + 1;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
		/* on the caller's thread, with the batch already at work: it may take its time */
		if (p->s->progress && !err)
			p->s->progress(p->s->pusr, p->nread);
		if (last)
			return;
	}
}

static unsigned nthreads(unsigned want)
{
	long n = want ? (long)want : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static int start(struct pipe *p, pthread_t *tid, unsigned nworkers, unsigned *started)
{
	unsigned i;

	if (pthread_create(&tid[0], NULL, writer, p) != 0)
		return -EAGAIN;
	*started = 1;
	for (i = 0; i < nworkers; i++) {
		if (pthread_create(&tid[i + 1], NULL, worker, p) != 0)
			return i ? 0 : -EAGAIN; /* fewer workers still finish the job */
		(*started)++;
	}
	return 0;
}

int age_stream_run(struct age_stream *s)
{
	unsigned nworkers = nthreads(s->threads), started = 0, i;
	struct pipe p = { .s = s, .carry = -1 };
	pthread_t tid[MAX_THREADS + 1];
	int ret = -ENOMEM;

	p.nslots = 2 * nworkers + 2;
	p.stride = BATCH * (s->decrypt ? AGE_CHUNK : AGE_CT_CHUNK);
	p.slot = calloc(p.nslots, sizeof(*p.slot));
	/* page-aligned, as are the strides of decryption: a writer may use O_DIRECT */
	if (posix_memalign((void **)&p.outbuf, STREAM_ALIGN, p.nslots * p.stride))
		p.outbuf = NULL;
	if (!p.slot || !p.outbuf)
		goto out;
	for (i = 0; i < p.nslots; i++) {
		p.slot[i].in = malloc(BATCH * AGE_CT_CHUNK);
		p.slot[i].out = p.outbuf + i * p.stride;
		if (!p.slot[i].in)
			goto out;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	pthread_cond_init(&p.freed, NULL);
	ret = start(&p, tid, nworkers, &started);
	if (!ret)
		reader(&p);
	pthread_mutex_lock(&p.mu);
	if (ret)
		fail(&p, ret);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	ret = p.err;
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.freed);
	pthread_mutex_destroy(&p.mu);
out:
	for (i = 0; p.slot && i < p.nslots; i++)
		free(p.slot[i].in);
	free(p.slot);
	free(p.outbuf);
	return ret;
}
