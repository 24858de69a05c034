// The memory note's record of a pull's write in flight: written before the cells, it tells a
// later run whether the cells landed (see settleMemory in src/sync/row-memory.ts).
import {
  changedFields,
  fieldHash,
  formatMemory,
  memoryOf,
  parseMemory,
  settleMemory,
} from '../../src/sync/row-memory';

const before = { name: 'Anna', phone: '+79160000001', email: 'a@example.com', budget: '1000' };
const after = { ...before, budget: '5000' };

function pulled() {
  // A pull writes AmoCRM's 5000 over the 1000 both sides had: the note goes first.
  const memory = memoryOf(after);
  memory.was = { budget: fieldHash('budget', before.budget) };
  return parseMemory(formatMemory(memory));
}

it('keeps what a pull replaced through the note, until a run settles it', () => {
  const memory = pulled();
  expect(memory?.was).toEqual({ budget: fieldHash('budget', '1000') });
  expect(formatMemory(settleMemory(memory!, after))).not.toContain('"o"');
});

it('a cell that still holds the replaced value is no edit: the write never landed', () => {
  const memory = settleMemory(pulled()!, before);
  expect(changedFields(memory, before)).toEqual([]);
});

it('a cell that holds the written value is no edit; any other value is the person’s', () => {
  expect(changedFields(settleMemory(pulled()!, after), after)).toEqual([]);
  const typed = { ...before, budget: '7000' };
  expect(changedFields(settleMemory(pulled()!, typed), typed)).toEqual(['budget']);
});
