// The AmoCRM menu at each step of set-up, in both languages: what is missing comes first and
// says it is the start or the next step; Sync now is always there (the contract).
import { menuItems, type MenuItem } from '../../src/ui/menu';

const captions = (items: MenuItem[]) => items.map(i => (i === 'separator' ? '—' : i.caption));

describe('menuItems', () => {
  it('starts with Settings… before anything is saved', () => {
    expect(captions(menuItems('en', { configured: false, triggers: false }))).toEqual([
      'Settings… (start here)',
      '—',
      'Sync now',
      'Import existing rows',
      'Add AmoCRM leads as rows',
      'Install triggers',
      'Show webhook URL',
      'Open sync log',
    ]);
  });

  it('offers the triggers next once the settings are saved', () => {
    const items = menuItems('ru', { configured: true, triggers: false });
    expect(items[0]).toEqual({
      caption: 'Установить триггеры (следующий шаг)',
      fn: 'installTriggers',
    });
  });

  it('puts the everyday work first when set up, and runs the contract functions', () => {
    const items = menuItems('ru', { configured: true, triggers: true });
    expect(items.slice(0, 3)).toEqual([
      { caption: 'Синхронизировать сейчас', fn: 'syncNow' },
      { caption: 'Импортировать строки', fn: 'importExistingRows' },
      { caption: 'Добавить сделки AmoCRM строками', fn: 'exportLeads' },
    ]);
    for (const state of [
      { configured: false, triggers: false },
      { configured: true, triggers: false },
      { configured: true, triggers: true },
    ]) {
      const fns = menuItems('en', state).flatMap(i => (i === 'separator' ? [] : [i.fn]));
      expect(fns.sort()).toEqual(
        [
          'exportLeads',
          'importExistingRows',
          'installTriggers',
          'openSyncLog',
          'showSettings',
          'showWebhookUrl',
          'syncNow',
        ].sort()
      );
    }
  });
});
