// facegpu's commands (commander): detect, enroll, identify, verify. Each command's work is in commands.ts; this
// file parses, validates option values and turns outcomes into exit codes and messages.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError as OptionError, Option } from 'commander';
import { detect, verify, type CommonOptions } from './commands.js';
import { enroll, identify } from './gallery-commands.js';
import { registerVideo } from './video-commands.js';
import { registerTrainAggregator } from './aggregator-commands.js';
import { registerDetector } from './detector-commands.js';

const commands = { detect, verify, enroll, identify };
import { CliError, EXIT, EXIT_HELP, exitCodeOf, messageOf } from './output.js';

const intIn = (name: string, lo: number, hi: number) => (v: string): number => {
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || !Number.isInteger(n) || n < lo || n > hi) throw new OptionError(`${name} must be an integer in [${lo}, ${hi}], got '${v}'`);
  return n;
};
const numIn = (name: string, lo: number, hi: number) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) throw new OptionError(`${name} must be a number in [${lo}, ${hi}], got '${v}'`);
  return n;
};
const inputSize = (v: string): number | 'auto' => {
  if (v === 'auto') return 'auto';
  const n = intIn('--input-size', 128, 608)(v);
  if (n % 32 !== 0) throw new OptionError(`--input-size must be a multiple of 32 in [128, 608], got '${v}'`);
  return n;
};

/** Options every command takes. */
function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'wasm', 'webgpu']).default('auto'))
    .option('--threads <n>', 'WASM threads (default: all cores, at most 8)', intIn('--threads', 1, 64))
    .option('--json', 'print one JSON document on stdout instead of text', false)
    .option('--no-progress', 'no progress bar (it is only drawn on a terminal anyway)')
    .option('--model-path <dir>', "folder or URL of face-api's weights manifests (default: the installed @vladmandic/face-api's model/)")
    .option('--mtcnn-model-path <dir>', "folder or manifest of face-api.js's mtcnn_model weights (default: $FACEGPU_MTCNN_MODEL_PATH)")
    .option('-v, --verbose', 'log the backend choice and timings to stderr', false);
}

/** Options of the commands that find faces. */
function detection(cmd: Command): Command {
  return cmd
    .addOption(new Option('--detector <name>', 'face detector').choices(['tiny', 'mtcnn']).default('tiny'))
    .option(
      '--input-size <px>',
      "TinyFaceDetector input side: a multiple of 32 in 128..608, or 'auto' (default): the image's longer side rounded up to a multiple of 32, clamped to 128..608",
      inputSize,
    )
    .option('--min-score <p>', 'minimum face score (tiny: its score threshold, default 0.5; mtcnn: O-Net threshold, default 0.7)', numIn('--min-score', 0, 1))
    .option('--min-face <px>', 'MTCNN smallest face side (default 20)', numIn('--min-face', 1, 100000));
}

/** Options of the commands that embed faces. */
function embedding(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--align <how>', 'alignment before embedding: landmarks (5 MTCNN / 68 points), 68, none (box crop)')
        .choices(['landmarks', '68', 'none'])
        .default('landmarks'),
    );
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('facegpu')
    .description('Face detection, landmarks, 128-d embeddings and gallery identification on WebGPU / WASM kernels.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_HELP}\n`)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  const run = (name: keyof typeof commands) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const opts = cmd.opts() as CommonOptions;
      const positional = args.slice(0, -2);
      process.exitCode = await commands[name](positional as never, opts);
    };

  common(detection(program.command('detect')))
    .description('find faces; print them, and with --out write annotated PNGs and JSON per image')
    .argument('<images...>', 'image files (JPEG, PNG, GIF, WebP, TIFF, AVIF)')
    .option('-o, --out <dir>', 'write <name>.png (boxes and landmarks drawn) and <name>.json per image into this folder')
    .addOption(new Option('--landmarks <kind>', 'landmarks to add: auto (68 for tiny, MTCNN 5 for mtcnn), 68, 68-tiny, none').choices(['auto', '68', '68-tiny', 'none']).default('auto'))
    .option('--model <file>', 'find and name faces with a joint detector trained by train-detector (instead of --detector)')
    .action(run('detect'));

  common(embedding(detection(program.command('enroll'))))
    .description('add a person to a gallery file (created if missing) from images holding their face (the largest face of each)')
    .argument('<gallery>', 'gallery file (JSON, written atomically)')
    .argument('<name>', "the person's name")
    .argument('<images...>', 'images of the person')
    .addOption(new Option('--metric <m>', 'distance of a new gallery').choices(['euclidean', 'cosine']))
    .addOption(new Option('--matching <m>', "a new gallery's identity distance: to the mean descriptor or the nearest sample").choices(['mean', 'sample']))
    .option('--threshold <d>', 'store this match threshold in the gallery (default 0.6 euclidean, 0.18 cosine)', numIn('--threshold', 0, 4))
    .option('--skip-bad', 'enrol the images that worked even when others fail (default: all or nothing)', false)
    .action(run('enroll'));

  common(embedding(detection(program.command('identify'))))
    .description('name every face in the images against a gallery (or "unknown")')
    .argument('<gallery>', 'gallery file made by enroll')
    .argument('<images...>', 'images to search')
    .option('--threshold <d>', "distance above which a face is unknown (default: the gallery's)", numIn('--threshold', 0, 4))
    .option('-k, --top <k>', 'candidates listed per face', intIn('--top', 1, 100), 1)
    .action(run('identify'));

  common(embedding(detection(program.command('verify'))))
    .description('are the largest faces of two images the same person?')
    .argument('<a>', 'first image')
    .argument('<b>', 'second image')
    .option('--threshold <d>', 'distance below which the faces are the same person (default 0.6 Euclidean)', numIn('--threshold', 0, 4))
    .action(run('verify'));

  registerVideo(program, { common, detection, embedding, intIn, numIn });
  registerTrainAggregator(program, { common, detection, embedding, intIn, numIn });
  registerDetector(program, { common, intIn, numIn });

  return program;
}

/** The package version, from package.json (dist/src/cli/ or src/cli/ below the package root). */
const VERSION = ((): string => {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'facegpu' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  return 'unknown';
})();

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version "errors" are successes; the rest are usage errors (commander printed the message).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    const code = e instanceof CliError ? e.exitCode : exitCodeOf(e);
    process.stderr.write(`facegpu: ${messageOf(e)}\n`);
    return code;
  }
}
