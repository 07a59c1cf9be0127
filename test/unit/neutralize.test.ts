/** The per-host neutralizers, and the host log adapters that pass every core line through them. */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { azureLogLine, cliLogLine, githubLogLine, gitlabLogLine, plainText } from '../../src/common/neutralize.js';
import { azureLog } from '../../src/hosts/azure.js';
import { gitlabLog } from '../../src/hosts/gitlab.js';
import { githubLog } from '../../src/hosts/github.js';

/** What the GitHub runner treats as a command: `::` after leading whitespace (v2), `##[` anywhere (v1). */
const runnerCommand = (line: string) => /^\s*::/.test(line) || line.includes('##[');
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE = [
  'acme\n::add-mask::Nightly',
  '::error title=x::forged',
  ' \t ::warning::forged',
  '\u00a0::stop-commands::token',
  'x ##[error]forged',
  '##[group]forged',
  '\u001b[0Ksection_start:1:fake[collapsed=true]\r\u001b[0Kfake',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\u009b31mred',
  'a\u2028::error::b',
  'bidi \u202eevil',
  'bell\u0007 nul\u0000 del\u007f',
  '##vso[task.setvariable variable=x]1',
  "##teamcity[buildStatus text='x']",
];

describe('plainText', () => {
  test('one printable line: escapes removed, line breaks and control characters shown', () => {
    expect(plainText('a\nb\r\nc')).toBe('a\\nb\\r\\nc');
    expect(plainText('\u001b[31mred\u001b[0m')).toBe('red');
    expect(plainText('\u001b]8;;https://x\u0007link\u001b]8;;\u001b\\')).toBe('link');
    expect(plainText('bell\u0007')).toBe('bell\\x07');
    expect(plainText('tab\tkept')).toBe('tab\tkept');
    expect(plainText('Zürich — ok ✓')).toBe('Zürich — ok ✓');
    for (const text of HOSTILE) expect(plainText(text)).not.toMatch(CONTROL);
  });
});

describe('githubLogLine', () => {
  test('no line it returns is a runner command, and ordinary text is unchanged', () => {
    for (const text of HOSTILE) {
      const line = githubLogLine(text);
      expect(line).not.toMatch(CONTROL);
      expect(runnerCommand(line)).toBe(false);
    }
    expect(githubLogLine('::error::x')).toBe('%3A:error::x');
    expect(githubLogLine('  ::error::x')).toBe('  %3A:error::x');
    expect(githubLogLine('a ##[error]x')).toBe('a #%23[error]x');
    expect(githubLogLine('Organization: acme (1234)')).toBe('Organization: acme (1234)');
    expect(githubLogLine('Plan: a::b')).toBe('Plan: a::b');
  });
});

describe('gitlabLogLine', () => {
  test('no escape sequence or carriage return survives, so no section marker can be forged', () => {
    for (const text of HOSTILE) {
      const line = gitlabLogLine(text);
      expect(line).not.toMatch(CONTROL);
      expect(line).not.toMatch(/section_(start|end):\d+:[a-zA-Z0-9_.-]+(\[.*?\])?\r\u001b\[0K/);
    }
  });
});

describe('cliLogLine', () => {
  test('neither a GitHub, an Azure Pipelines nor a TeamCity command', () => {
    for (const text of HOSTILE) {
      const line = cliLogLine(text);
      expect(line).not.toMatch(CONTROL);
      expect(runnerCommand(line)).toBe(false);
      expect(line).not.toMatch(/##(vso|teamcity)\[/i);
    }
  });
});

describe('azureLogLine', () => {
  test('no logging command (any case, anywhere) and no log viewer mark survives; ordinary text is unchanged', () => {
    for (const text of [...HOSTILE, 'a ##VsO[task.complete result=Failed;]b', ' ##[section]x']) {
      const line = azureLogLine(text);
      expect(line).not.toMatch(CONTROL);
      expect(line).not.toMatch(/##(vso)?\[/i);
    }
    expect(azureLogLine('Organization: contoso (0f8f)')).toBe('Organization: contoso (0f8f)');
  });
});

describe('host log adapters', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test("GitHub: info and warning lines are neutralized, groups are the action's own and closed on demand", async () => {
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const log = githubLog();
    await log.group('Find things', async () => {
      for (const text of HOSTILE) log.info(`Organization: ${text}`);
      for (const text of HOSTILE) log.info(text);
      log.warning(HOSTILE.join('\n'));
      expect(log.openGroup()).toBe('Find things');
      log.closeOpenGroup();
    });
    const lines = written.join('').split('\n').filter(Boolean);
    const commands = lines.filter(runnerCommand);
    expect(commands).toEqual(['::group::Find things', expect.stringMatching(/^::warning::/), '::endgroup::']);
    expect(written.join('')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(log.openGroup()).toBeUndefined();
  });

  test('GitLab: only its own section markers and colours', async () => {
    let out = '';
    const log = gitlabLog((text) => (out += text));
    await log.group('Sign in', async () => {
      for (const text of HOSTILE) log.info(text);
      log.warning(HOSTILE.join('\n'));
    });
    const markers = [...out.matchAll(/section_(start|end):\d+:([a-zA-Z0-9_.-]+)(?:\[.*?\])?\r\u001b\[0K/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(markers).toEqual(['start xopero_1', 'end xopero_1']);
    const own = out
      .replace(/\u001b\[0Ksection_(start|end):\d+:xopero_1(\[collapsed=false\])?\r\u001b\[0K/g, '')
      .replace(/\u001b\[(33|0)m/g, '');
    expect(own).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  test('GitLab: a cancellation closes the open section once', async () => {
    let out = '';
    const log = gitlabLog((text) => (out += text));
    let release!: () => void;
    const running = log.group('Synchronize the organization', () => new Promise<void>((resolve) => (release = resolve)));
    expect(log.openGroup()).toBe('Synchronize the organization');
    log.closeOpenGroup();
    release();
    await running;
    expect(out.match(/section_end:/g)).toHaveLength(1);
  });

  test('Azure Pipelines: only its own groups and warning issues; a cancellation closes the open group once', async () => {
    let out = '';
    const log = azureLog((text) => (out += text));
    await log.group('Sign in', async () => {
      for (const text of HOSTILE) log.info(text);
      log.warning(HOSTILE.join('\n'));
    });
    let release!: () => void;
    const running = log.group('Synchronize the organization', () => new Promise<void>((resolve) => (release = resolve)));
    expect(log.openGroup()).toBe('Synchronize the organization');
    log.closeOpenGroup();
    release();
    await running;
    const marked = out.split('\n').filter((line) => /##(vso)?\[/i.test(line));
    expect(marked.map((line) => line.replace(/\].*$/, ']'))).toEqual([
      '##[group]',
      '##vso[task.logissue type=warning]',
      '##[endgroup]',
      '##[group]',
      '##[endgroup]',
    ]);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(log.openGroup()).toBeUndefined();
  });
});
