// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The payload: STREAM over 64 KiB chunks, sealed or opened on worker threads.
 *
 * Chunks are independent once their counter is known, so the input is cut
 * into batches of BATCH chunks held in a small ring of slots: the calling
 * thread reads batches, the workers seal or open whole batches, and one
 * writer thread hands them to the output strictly in order. Memory is the
 * ring (2 x threads + 2 slots of 2 x 256 KiB), whatever the file size.
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

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_BUSY, SLOT_DONE };

struct slot {
	uint8_t *in, *out;
	size_t in_len, out_len; /* decrypt: out_len counts authenticated chunks only */
	uint64_t first;		/* STREAM counter of the first chunk */
	bool final;		/* the input ends with this batch */
	int err;		/* the reader's or the worker's verdict */
	enum slot_state state;
};

struct pipe {
	struct age_stream *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slot;
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
	pthread_cond_broadcast(&p->cv);
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
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		sl = &p->slot[p->taken++ % p->nslots];
		sl->state = SLOT_BUSY;
		pthread_mutex_unlock(&p->mu);
		if (!sl->err)
			sl->err = p->s->decrypt ? open_batch(ctx, sl) : seal_batch(ctx, sl);
		pthread_mutex_lock(&p->mu);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	EVP_CIPHER_CTX_free(ctx);
	return NULL;
}

static void *writer(void *arg)
{
	struct pipe *p = arg;
	struct slot *sl;
	int ret;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		sl = &p->slot[p->written % p->nslots];
		while (!p->stop && !(p->written < p->filled && sl->state == SLOT_DONE))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		pthread_mutex_unlock(&p->mu);
		/* decrypt: out_len stops before the first chunk that failed */
		ret = sl->out_len ? p->s->wr(p->s->wusr, sl->out, sl->out_len) : 0;
		pthread_mutex_lock(&p->mu);
		if (!ret && p->s->decrypt)
			p->s->released += sl->out_len;
		if (!ret)
			ret = sl->err;
		sl->state = SLOT_FREE;
		p->written++;
		if (ret)
			fail(p, ret);
		else if (sl->final)
			p->stop = true;
		pthread_cond_broadcast(&p->cv);
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
			pthread_cond_wait(&p->cv, &p->mu);
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
		pthread_cond_broadcast(&p->cv);
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
	p.slot = calloc(p.nslots, sizeof(*p.slot));
	if (!p.slot)
		return -ENOMEM;
	for (i = 0; i < p.nslots; i++) {
		p.slot[i].in = malloc(BATCH * AGE_CT_CHUNK);
		p.slot[i].out = malloc(BATCH * AGE_CT_CHUNK);
		if (!p.slot[i].in || !p.slot[i].out)
			goto out;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
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
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
out:
	for (i = 0; i < p.nslots; i++) {
		free(p.slot[i].in);
		free(p.slot[i].out);
	}
	free(p.slot);
	return ret;
}
