import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySignal, termMatches } from './classify-signal.js';

describe('classifySignal', () => {
  it.each([
    ['Tier shows Basic but we pay for Premium, this is wrong', 'negative', 2],
    ['Our contract end date disappeared from the customer page!', 'negative', 3],
    ['We were overcharged because the tier is Basic', 'negative', 3],
    ['The customer page feels slow today', 'negative', 1],
    ['Thanks, the new page works great', 'positive', 0],
    ['Thanks, but the end date is wrong', 'negative', 2],
    ['No errors since the update, all good', 'positive', 0],
    ['Can you send me the invoice for March?', 'neutral', 0],
    ["The export can't finish", 'negative', 2],
  ] as const)('%s → %s, severity %i', (text, polarity, severity) => {
    expect(classifySignal(text)).toMatchObject({ polarity, severity });
  });

  it('is deterministic and never rates a message without a complaint as negative', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const a = classifySignal(s);
        expect(classifySignal(s)).toEqual(a);
        expect(a.polarity === 'negative').toBe(a.severity > 0);
        expect(a.polarity !== 'negative' || a.cues.length > 0).toBe(true);
      }),
    );
  });
});

describe('termMatches', () => {
  it('finds whole terms, case and punctuation aside', () => {
    expect(termMatches('The END-DATE of our contract is blank; tier too', ['end date', 'tier', 'contract', 'tiering'])).toEqual(['end date', 'tier', 'contract']);
    expect(termMatches('contractual obligations', ['contract'])).toEqual([]);
  });
});
