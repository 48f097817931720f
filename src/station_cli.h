/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kesu station, the front end's parts shared by its files: the options and
 * their checks (station_cli.c), the certificate, output folder and sending
 * of each drive (station_send.c); the run and line mode are cmd_station.c's.
 */
#ifndef KESU_SRC_STATION_CLI_H
#define KESU_SRC_STATION_CLI_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include "certsign.h"
#include "erase/station.h"

/**
 * struct station_cli - one run of kesu station
 * @so: what the station is given
 * @policy: the policy file's, or the defaults
 * @cs: the signing key (--sign-key, [station] sign_key) and the certificate's description
 * @signer: the loaded key, NULL without one
 * @trust: the trust store the register judges certificates by
 * @send_ledger: [ledger] is configured: each certificate goes to the register
 * @writer: the register, or its queue while its server cannot be reached, that
 *          every certificate of the run goes to (station_send_open()); NULL when none
 * @send_lock: the drives' threads use @writer one at a time
 * @queued: documents of this run waiting in the queue, under @send_lock
 * @policy_path: --policy FILE, [station] policy
 * @output_dir: --output-dir DIR, [station] output_dir (default: the current directory)
 * @machine_tag: --machine-tag TAG (default: the DMI chassis asset tag)
 * @machine_dir: the machine's folder in @output_dir, made by station_machine_dir()
 * @auto_mode: --auto
 * @no_tui: --no-tui
 * @once: --once
 * @json: --progress=json
 * @help: --help
 */
struct station_cli {
	struct station_opts so;
	struct station_policy policy;
	struct certsign_opts cs;
	struct cert_signer *signer;
	struct cert_trust *trust;
	bool send_ledger;
	struct ledger_writer *writer;
	pthread_mutex_t send_lock;
	unsigned queued;
	const char *policy_path, *output_dir, *machine_tag;
	char machine_dir[PATH_MAX];
	bool auto_mode, no_tui, once, json, help;
};

/**
 * station_cli_parse() - fill @o from kesu.conf's [station] and the command
 * line, read the policy, and check all of it before any drive is looked at
 * Return: -1 to go on, or the exit code to return at once (message printed)
 */
int station_cli_parse(int argc, char **argv, struct station_cli *o);

/**
 * station_machine_dir() - make the machine's folder in the output
 * directory: DMI serial and asset tag (--machine-tag, else the chassis'),
 * in characters safe in a file name
 * Return: 0, or an exit code (message printed)
 */
int station_machine_dir(struct station_cli *o);

/**
 * station_send_open() - open the register of kesu.conf's [ledger] once for
 * the run, when @o->send_ledger; a server that cannot be reached is no
 * error (the certificates queue), any other failure is told and the run
 * goes on without sending
 */
void station_send_open(struct station_cli *o);

/** station_send_close() - close what station_send_open() opened */
void station_send_close(struct station_cli *o);

/**
 * station_hooks() - the station's hooks of @o: the register's holds, the
 * certificate reserved before and issued after each drive, sending it
 */
void station_hooks(struct station_cli *o);

/**
 * station_summary() - write the machine summary (kesu-machine/1) of the
 * drives of @s into the machine's folder, signed when a key is loaded, and
 * send it to the register as each certificate
 * @path: set to where it went
 * @sent: set to what became of it in the register ("" when not sent)
 * Return: 0, or an exit code (message printed)
 */
int station_summary(struct station_cli *o, struct station *s, char path[PATH_MAX], char *sent,
		    size_t len);

/**
 * station_drive_exit() - the exit code of one drive's outcome, from the
 * one table: as kesu erase gives for a target
 */
int station_drive_exit(const struct station_drive *d);

/** station_exit() - the worst of every drive's station_drive_exit() */
int station_exit(struct station *s);

#endif
