// The small Markdown subset used in setting descriptions (paragraphs, "- " lists, fenced
// code, `code`, **bold**, *italic*, [links](url)) converted to man(7) roff.

/** Escapes text for roff: backslashes, minus signs (so flags copy-paste), control lines. */
export function roffEscape(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
}

/** Prevents a line that starts with a period or an apostrophe from being read as a request. */
function guardLine(line: string): string {
  return /^[.']/.test(line) ? `\\&${line}` : line;
}

/** Inline Markdown → roff font escapes. */
export function roffInline(markdown: string): string {
  return markdown
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) {
        return `\\fB${roffEscape(part.slice(1, -1))}\\fR`;
      }
      return roffEscape(part)
        .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>')
        .replace(/\*\*([^*]+)\*\*/g, '\\fB$1\\fR')
        .replace(/\*([^*\s][^*]*)\*/g, '\\fI$1\\fR');
    })
    .join('');
}

type Block = { kind: 'para'; text: string } | { kind: 'list'; items: string[] } | { kind: 'code'; lines: string[] };

function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const chunks = markdown.split(/```/);
  chunks.forEach((chunk, i) => {
    // Odd chunks sit between fences: code, with the info string on the first line.
    if (i % 2 === 1) {
      blocks.push({ kind: 'code', lines: chunk.split('\n').slice(1).filter((l, j, all) => j < all.length - 1 || l !== '') });
      return;
    }
    for (const para of chunk.split(/\n\s*\n/)) {
      const lines = para.split('\n').filter((l) => l.trim() !== '');
      if (lines.length === 0) continue;
      if (lines.every((l) => /^\s*- /.test(l))) {
        blocks.push({ kind: 'list', items: lines.map((l) => l.replace(/^\s*- /, '')) });
      } else {
        blocks.push({ kind: 'para', text: lines.map((l) => l.trim()).join(' ') });
      }
    }
  });
  return blocks;
}

/**
 * Markdown blocks → roff lines. `paragraph` is the request that starts every paragraph
 * but the first: `.PP` at the top level, `.IP` inside a `.TP` entry to keep its indent.
 */
export function roffBlocks(markdown: string, paragraph: '.PP' | '.IP'): string[] {
  const out: string[] = [];
  parseBlocks(markdown).forEach((block, i) => {
    if (i > 0) out.push(paragraph);
    if (block.kind === 'para') {
      out.push(guardLine(roffInline(block.text)));
    } else if (block.kind === 'list') {
      out.push('.RS');
      for (const item of block.items) out.push('.IP \\(bu 2', guardLine(roffInline(item)));
      out.push('.RE');
    } else {
      out.push('.RS', '.nf', ...block.lines.map((l) => guardLine(roffEscape(l))), '.fi', '.RE');
    }
  });
  return out;
}
