import { describe, expect, it } from 'vitest';
import { seedPlan } from '../../test/seed-fixture.js';
import { mermaidId, renderPlanMarkdown } from './render-plan-markdown.js';


/** The ```mermaid block of a phase section (`### Phase N: …`). */
function phaseDiagram(markdown: string, n: number): string {
  const section = markdown.split(/^### /m).find((s) => s.startsWith(`Phase ${n}:`));
  const block = section && /```mermaid\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error(`no mermaid block in phase ${n}`);
  return block[1];
}

/** Mermaid link statements in order, each with the index of its first link (a chain is several). */
function links(diagram: string): { text: string; first: number }[] {
  const out: { text: string; first: number }[] = [];
  let count = 0;
  for (const line of diagram.split('\n').map((l) => l.trim())) {
    const hops = line.match(/-\.->|==>|-->|-\. "/g)?.length ?? 0;
    if (!hops || /^(style|linkStyle)\b/.test(line)) continue;
    out.push({ text: line, first: count });
    count += hops;
  }
  return out;
}

function linkStyleIndex(diagram: string, colour: string): number[] {
  return [...diagram.matchAll(/linkStyle (\d+) stroke:(#[0-9a-f]+)/g)].filter((m) => m[2] === colour).map((m) => Number(m[1]));
}

describe('renderPlanMarkdown', () => {
  for (const sync of ['trigger', 'app'] as const) {
    describe(`sync: ${sync}`, () => {
      const plan = seedPlan(sync);
      const md = renderPlanMarkdown(plan);

      it('matches the golden file', async () => {
        await expect(md).toMatchFileSnapshot(`./__golden__/plan-${sync}.md`);
      });

      it('draws a mermaid flowchart for every phase', () => {
        plan.phases.forEach((phase, i) => {
          expect(md).toContain(`### Phase ${i + 1}: ${phase.title}`);
          expect(phaseDiagram(md, i + 1)).toMatch(/^flowchart LR\n\tApp\(\["<b>App<\/b>"\]\)/);
        });
      });

      it('draws the read switch through the flag node', () => {
        const diagram = phaseDiagram(md, 4);
        expect(diagram).toContain('Flag{"ReadContractDetailsFromCustomer"}');
        expect(diagram).toContain('support_customer -.-> Flag -.->|"reads"| App');
      });


      it('points the orange linkStyle at the backfill link', () => {
        const diagram = phaseDiagram(md, 3);
        const all = links(diagram);
        const backfill = all.find((l) => l.text.includes('"backfill"'));
        expect(backfill?.text).toBe('support_contract -->|"backfill"| support_customer');
        expect(linkStyleIndex(diagram, '#f0883e')).toEqual([backfill!.first]);
        expect(backfill!.first).toBe(4); // as in the seed: flag or trigger hop, two writes, a read, then the copy
      });

      it('lists gates as a checklist and SQL in collapsed sql blocks', () => {
        expect(md).toContain('- [ ] every support_customer row agrees with support_contract on tier, end_date');
        expect(md).toMatch(/<details><summary>Forward SQL<\/summary>\n\n```sql\n-- expand\.forward\.add-columns/);
        expect(md).toMatch(/<details><summary>Backward SQL<\/summary>\n\n```sql\n-- expand\.backward\.drop-columns/);
      });

      it('summarises each phase in one table row', () => {
        const rows = md.split('\n').filter((l) => /^\| \d /.test(l));
        expect(rows.map((r) => r.split(' | ')[0])).toEqual(plan.phases.map((p, i) => `| ${i + 1} ${p.id}`));
        expect(rows[3]).toContain('`ReadContractDetailsFromCustomer` off → on 1%');
        expect(rows[4]).toContain(plan.sync === 'trigger' ? 'new only (old kept current by trigger)' : 'new + old (behind `DualWriteContractDetails`)');
      });
    });
  }

  it('draws the trigger-mode cut-off as a stopped arrow with a red linkStyle on it', () => {
    const diagram = phaseDiagram(renderPlanMarkdown(seedPlan('trigger')), 5);
    const stopped = links(diagram).find((l) => l.text.includes('✕ stopped'));
    expect(stopped?.text).toBe('App -.->|"✕ stopped"| support_contract');
    expect(linkStyleIndex(diagram, '#f85149')).toEqual([stopped!.first]);
    expect(stopped!.first).toBe(1);
  });

  it('draws the app-mode cut-off as ramp-down: new written, old still written behind the dual-write flag', () => {
    const diagram = phaseDiagram(renderPlanMarkdown(seedPlan('app')), 5);
    expect(diagram).toContain('App ==>|"writes"| support_customer');
    expect(diagram).toContain('App --> Flag ==>|"writes"| support_contract');
    expect(diagram).not.toContain('stopped');
  });

  it('draws trigger writes from the written table through a Trigger node', () => {
    const diagram = phaseDiagram(renderPlanMarkdown(seedPlan('trigger')), 2);
    expect(diagram).toContain('support_contract --> Trigger ==>|"writes"| support_customer');
    expect(diagram).toContain('Trigger[["trigger"]]');
  });

  it('draws app dual-writes through the dual-write flag, as in the seed', () => {
    const diagram = phaseDiagram(renderPlanMarkdown(seedPlan('app')), 2);
    expect(diagram).toContain('App --> Flag ==>|"writes"| support_customer');
    expect(diagram).toContain('Flag{"DualWriteContractDetails"}');
  });

  it('makes valid node ids and escapes quotes in labels', () => {
    expect(mermaidId('billing.invoice')).toBe('billing_invoice');
    expect(mermaidId('end')).toBe('t_end');
    expect(mermaidId('2024_orders')).toBe('t_2024_orders');
    const plan = seedPlan('trigger');
    plan.shapes.joins = [{ from: 'support_customer', to: 'support_contract', label: 'joined by "customer_id"' }];
    expect(renderPlanMarkdown(plan)).toContain('-. "joined by #quot;customer_id#quot;" .-');
  });
});
