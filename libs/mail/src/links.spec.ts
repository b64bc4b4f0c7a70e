import { expandLinks, linkPlaceholder, redactLinks, sealLinks } from './links';

const OFFER = '0b3f3c1e-2f4b-4c55-9a55-0f0e6c1d2a11';
const OTHER = '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('link placeholders', () => {
  it("expands the template's own placeholders and none that came with user text", () => {
    const goals = `Grow {{link:offer:${OTHER}}} {{link:signin:${OTHER}}} {{ link:feedback:${OTHER}}} {{LINK:offer:${OTHER}}}`;
    const stored = sealLinks(`Goals: ${goals}\nYours: ${linkPlaceholder('offer', OFFER)}`);
    const sent = expandLinks(stored, 'https://tandem.test', 'secret-secret-secret');
    expect(sent.match(/https:\/\/tandem\.test\/\S+/g)).toHaveLength(1);
    expect(sent).toMatch(/Yours: https:\/\/tandem\.test\/offers\/[A-Za-z0-9_-]{43}$/);
    expect(sent).toContain(`{{ link:offer:${OTHER}}}`);
    expect(redactLinks(stored)).toContain('Yours: [offer link]');
  });

  it('keeps a placeholder written next to user text whole', () => {
    const stored = sealLinks(`{{${linkPlaceholder('survey', OFFER)}}}{{link:offer:`);
    expect(expandLinks(stored, 'https://t', 's'.repeat(20))).toMatch(
      /^\{\{https:\/\/t\/surveys\/[A-Za-z0-9_-]{43}\}\}\{\{ link:offer:$/,
    );
  });
});
