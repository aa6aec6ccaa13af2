/**
 * Where scans run, as the user chose in the Models tab (`models.setProviderChoice`),
 * kept in the case log's settings: 'auto' leaves the providers to the engine
 * (the platform's preference, or CLIPSCAN_PROVIDERS), 'cpu' runs on the CPU EP alone.
 *
 *   const choice = new ProviderChoiceSetting(new SettingsRepository(db));
 *   choice.set('cpu');
 *   choice.providers();   // ['cpu'] for the engine host, or undefined for 'auto'
 */
import { ProviderChoiceSchema, type ProviderChoice } from '../../../src-shared/domain/providers';
import type { SettingsRepository } from '../caselog/repositories/settings';

const KEY = 'providers';

export class ProviderChoiceSetting {
  constructor(private readonly settings: SettingsRepository) {}

  get(): ProviderChoice {
    const parsed = ProviderChoiceSchema.safeParse(this.settings.get(KEY));
    return parsed.success ? parsed.data : 'auto';
  }

  set(choice: ProviderChoice): ProviderChoice {
    this.settings.set(KEY, ProviderChoiceSchema.parse(choice));
    return choice;
  }

  /** The provider list a scan asks the engine host for; undefined: the engine's default. */
  providers(): string[] | undefined {
    return this.get() === 'cpu' ? ['cpu'] : undefined;
  }
}
