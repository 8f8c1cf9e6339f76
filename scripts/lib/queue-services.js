'use strict';
/**
 * Throwaway Postgres and Redis for n8n's queue mode, each in a temporary folder on a free port on 127.0.0.1, from
 * Debian's `postgresql` and `redis-server` packages (`.ci/run` installs them). Nothing touches a system cluster.
 *
 *   const pg = await startPostgres({ dir, log });      // { host, port, user, database, password, env, stop() }
 *   const redis = await startRedis({ dir, log });      // { host, port, env, cli(args), stop() }
 *
 * Postgres refuses to run as root: as root the cluster belongs to the `postgres` user (runuser).
 * Plain CommonJS, no dependencies, Node >= 20.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { freePort } = require('./n8n-instance');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Directory with initdb/pg_ctl: Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'pg_ctl')))
		: [];
	majors.sort((a, b) => Number(b) - Number(a));
	if (majors.length) return path.join(root, majors[0], 'bin');
	try {
		return path.dirname(
			execFileSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).trim(),
		);
	} catch {
		throw new Error('Postgres not found: apt-get install -y postgresql');
	}
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Run a Postgres tool as the cluster's owner. */
function pgRun(bin, args, opts = {}) {
	const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
	return execFileSync(cmd, argv, { encoding: 'utf8', stdio: 'pipe', ...opts });
}

async function startPostgres({
	dir,
	log = () => {},
	database = 'n8n',
	user = 'n8n',
	password = 'n8n-queue-test',
}) {
	const bin = postgresBinDir();
	const base = path.join(dir, 'postgres');
	const data = path.join(base, 'data');
	fs.mkdirSync(base, { recursive: true });
	if (isRoot()) {
		// The postgres user must reach its folder: traverse-only on the parent.
		fs.chmodSync(dir, fs.statSync(dir).mode | 0o111);
		execFileSync('chown', ['-R', 'postgres:postgres', base]);
	}
	const pwFile = path.join(base, 'pw');
	fs.writeFileSync(pwFile, password + '\n');
	if (isRoot()) execFileSync('chown', ['postgres:postgres', pwFile]);
	pgRun(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		user,
		'-A',
		'scram-sha-256',
		`--pwfile=${pwFile}`,
		'-E',
		'UTF8',
		'--no-locale',
	]);
	const port = await freePort();
	const logFile = path.join(base, 'postgres.log');
	pgRun(path.join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-l',
		logFile,
		'-w',
		'-t',
		'120',
		'-o',
		`-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
		'start',
	]);
	const env = { PGPASSWORD: password };
	execFileSync(
		path.join(bin, 'createdb'),
		['-h', '127.0.0.1', '-p', String(port), '-U', user, database],
		{
			env: { ...process.env, ...env },
			stdio: 'pipe',
		},
	);
	log(`[postgres] ${bin} on 127.0.0.1:${port}, data ${data}`);
	let stopped = false;
	return {
		host: '127.0.0.1',
		port,
		user,
		password,
		database,
		logFile,
		/** n8n's database settings. */
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: password,
			DB_POSTGRESDB_POOL_SIZE: '10',
		},
		/** One SQL statement through psql; rows as arrays of strings. */
		query(sql) {
			const out = execFileSync(
				path.join(bin, 'psql'),
				[
					'-h',
					'127.0.0.1',
					'-p',
					String(port),
					'-U',
					user,
					'-d',
					database,
					'-At',
					'-F',
					'\t',
					'-c',
					sql,
				],
				{ encoding: 'utf8', env: { ...process.env, ...env }, stdio: 'pipe' },
			);
			return out
				.split('\n')
				.filter(Boolean)
				.map((l) => l.split('\t'));
		},
		stop() {
			if (stopped) return;
			stopped = true;
			try {
				pgRun(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch (e) {
				log(`[postgres] stop: ${e.message.split('\n')[0]}`);
			}
		},
	};
}

async function startRedis({ dir, log = () => {} }) {
	const base = path.join(dir, 'redis');
	fs.mkdirSync(base, { recursive: true });
	const port = await freePort();
	const logFile = path.join(base, 'redis.log');
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			base,
			'--save',
			'',
			'--appendonly',
			'no',
			'--logfile',
			logFile,
		],
		{ stdio: 'ignore', detached: true },
	);
	let exited = false;
	child.on('exit', () => (exited = true));
	child.on('error', () => (exited = true));
	const kill = () => {
		if (!exited) child.kill('SIGKILL');
	};
	process.once('exit', kill);
	const cli = (args) =>
		execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
			encoding: 'utf8',
			stdio: 'pipe',
		}).trim();
	for (let i = 0; ; i++) {
		if (exited)
			throw new Error(
				`redis-server exited at start (log ${logFile}); apt-get install -y redis-server`,
			);
		try {
			if (cli(['ping']) === 'PONG') break;
		} catch {
			/* not up yet */
		}
		if (i > 240) throw new Error('redis-server did not answer PING within 60 s');
		await sleep(250);
	}
	log(`[redis] 127.0.0.1:${port}`);
	return {
		host: '127.0.0.1',
		port,
		logFile,
		cli,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		stop() {
			process.removeListener('exit', kill);
			kill();
		},
	};
}

module.exports = { startPostgres, startRedis, postgresBinDir };
