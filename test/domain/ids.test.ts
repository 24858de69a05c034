// External ids: the time first seen and a UUID, recognised (old ids without a time too), the
// time read back, and a bad UUID caught as the caller bug it is.
import { externalIdTime, isExternalId, newExternalId } from '../../src/domain/ids';

const NOW = Date.UTC(2026, 10, 24, 9, 0, 0); // 0x1a20cc88e80 ms

describe('newExternalId', () => {
  it.each([
    ['0f8fad5b-d9cb-469f-a165-70867728950e', 'r-1a20cc88e800f8fad5bd9cb469f'],
    ['0F8FAD5B-D9CB-469F-A165-70867728950E', 'r-1a20cc88e800f8fad5bd9cb469f'],
    ['7c9e6679742540de944be07fc1f90ae7', 'r-1a20cc88e807c9e6679742540de'],
  ])('%p → %p', (uuid, id) => {
    expect(newExternalId(uuid, NOW)).toBe(id);
    expect(isExternalId(newExternalId(uuid, NOW))).toBe(true);
    expect(externalIdTime(newExternalId(uuid, NOW))).toBe(NOW);
  });

  it('throws on something that is not a UUID', () => {
    expect(() => newExternalId('not-a-uuid', NOW)).toThrow('not a UUID: not-a-uuid');
  });
});

describe('isExternalId', () => {
  it.each<[unknown, boolean]>([
    ['r-1a20cc88e800f8fad5bd9cb469f', true],
    [' r-1a20cc88e800f8fad5bd9cb469f ', true],
    ['r-0f8fad5bd9cb469f', true],
    ['r-0F8FAD5BD9CB469F', false],
    ['r-0f8fad5bd9cb469', false],
    ['r-0f8fad5bd9cb469fa', false],
    ['0f8fad5bd9cb469f', false],
    ['', false],
    [12345, false],
    [null, false],
  ])('%p → %p', (value, expected) => {
    expect(isExternalId(value)).toBe(expected);
  });
});

describe('externalIdTime', () => {
  it('is undefined for an id made before ids carried a time, and for other text', () => {
    expect(externalIdTime('r-0f8fad5bd9cb469f')).toBeUndefined();
    expect(externalIdTime('r-1a20cc88e80')).toBeUndefined();
  });
});
