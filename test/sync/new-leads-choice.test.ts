// The two Script Properties of issue 15 as the sync reads them: IMPORT_NEW_LEADS is on only for
// `true` (any case), IMPORT_PIPELINES is pipeline ids joined by commas, empty meaning every one.
import { MAIN_PIPELINE, SECOND_PIPELINE } from '../../sandbox/amo-fake';
import type { Lead } from '../../src/amo/types';
import {
  badPipelineParts,
  inChosenPipeline,
  readLeadChoice,
} from '../../src/sync/new-leads/choice';

const lead = (pipelineId: number) => ({ id: 1, pipeline_id: pipelineId }) as Lead;

describe('readLeadChoice', () => {
  it.each([
    ['true', true],
    [' TRUE ', true],
    ['false', false],
    ['yes', false],
    ['', false],
  ])('IMPORT_NEW_LEADS=%j is %s', (value, on) => {
    expect(readLeadChoice({ IMPORT_NEW_LEADS: value }).automatic).toBe(on);
  });

  it('is off when the property is missing', () => {
    expect(readLeadChoice({})).toEqual({ automatic: false, pipelines: [] });
  });

  it('reads pipeline ids joined by commas, once each', () => {
    const ids = `${MAIN_PIPELINE.id}, ${SECOND_PIPELINE.id};${MAIN_PIPELINE.id},`;
    expect(readLeadChoice({ IMPORT_PIPELINES: ids }).pipelines).toEqual([
      MAIN_PIPELINE.id,
      SECOND_PIPELINE.id,
    ]);
  });

  it('names the parts that are not ids (what the dialog refuses)', () => {
    expect(badPipelineParts('5959351, Воронка 2, 0x10,')).toEqual(['Воронка 2', '0x10']);
    expect(badPipelineParts(' 5959351 ,3177727 ')).toEqual([]);
  });
});

describe('inChosenPipeline', () => {
  it('takes every pipeline when none is chosen, else only the chosen ones', () => {
    const all = readLeadChoice({});
    const main = readLeadChoice({ IMPORT_PIPELINES: String(MAIN_PIPELINE.id) });
    expect(inChosenPipeline(lead(SECOND_PIPELINE.id), all)).toBe(true);
    expect(inChosenPipeline(lead(MAIN_PIPELINE.id), main)).toBe(true);
    expect(inChosenPipeline(lead(SECOND_PIPELINE.id), main)).toBe(false);
  });
});
