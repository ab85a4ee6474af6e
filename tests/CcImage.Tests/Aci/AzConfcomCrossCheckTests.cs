// `ccimage aci policygen` against `az confcom acipolicygen` 1.2.7 (with the dmverity-vhd v1.6 it runs): for each
// seeded PolicyFixture and output mode, the sha256 of what confcom printed and of the template after the run were
// recorded from the real tool (-y, --tar map.json); ours must print and write the same bytes.
using System.Security.Cryptography;
using System.Text;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class AzConfcomCrossCheckTests
{
    [TestMethod]
    [DataRow(1, "--outraw", "b555883d3c32a174315718b10e25f73f91a3b562d7d293b6185adfd694345f3d", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(1, "--outraw-pretty-print", "a0ffc96bfd517720d3908d66b63eb34677abe8ad562b49957bb3fff5670d4956", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(1, "--print-policy", "3f47268435bc56a8f3916a5af1ef084430c0a6eb44fc856eca47d381a3fb3922", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(1, "", "c5aa9a5f6c929f098e6a949f834860d97e5a0b5c3fee6a2d5cf658f2bf9c8d67", "e5288a62854792fc2fccd87c1df45dae805afa042c4b8d06034b83fe7552e5d8")]
    [DataRow(1, "--debug-mode --outraw", "0bc28ac7f2a6a3163d75b36265bb251df0a2ada641cb2d5bbbe59376aea4eee7", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(1, "--omit-id --outraw", "18213994d5ef8556cc29afebd01142fc9384a3964ab85561c4ad3e4c3be0e01b", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(1, "--disable-stdio --outraw", "a89e6c8120e24a408b944022842efe40c37134a161bd0f767f2b36e8e489ed28", "ddd2ca4a95d36316810379ecb4bdbb705cb6299d09a104c4748052c306e200b6")]
    [DataRow(2, "--outraw", "e9a7b229c81b255146862ff29f572fd21a87f8502b0edfe3cae522501bd39153", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(2, "--outraw-pretty-print", "9c7d27302a5ae480074c411bd24851f251211dc9702a871c57f95355b3deba3e", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(2, "--print-policy", "6045e5bb0a4dbd6c3d7398ba39b152fd05679d855480f08b849b384ebb0ba8fe", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(2, "", "49f7c0918dda986b900ea4df4fa593f0c7df4efb3cb7276aa36e53bdac794049", "2a30a69254b3c042e5376def1888e389ffce9dcabbd06c1c9e37acc00d291d6f")]
    [DataRow(2, "--debug-mode --outraw", "3979243a5fb3e442385740ed1f8fc57ac34cb6b7815a58bb1f4e18725ebef9e3", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(2, "--omit-id --outraw", "0614e2655e07f286a104416dfde0d86f9d1bfffaf6bf4c515d85dc275db5a925", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(2, "--disable-stdio --outraw", "ccfa0246301b8bdcb5eca4733f003165282ea646cd39d3319f57c3ff64572d4e", "7b98a03daee367db4ef2405402000b54bf86f67526e85758631daf6f11172825")]
    [DataRow(3, "--outraw", "96531f274a7fa32374b63e2721a6f494922b052d82939339d6f897e84dbe4bc3", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(3, "--outraw-pretty-print", "d09d7821dd3b63b70f324d9ba660580fbbbad7dcd674a518b9ea4970e21fde57", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(3, "--print-policy", "9f9b8604679fb64f21c88ce083bbacad64c760ff2dcf16e6026ac1e77f494f7e", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(3, "", "aba96c8da6b95961f09f72ee072ffde91822acca2a30097ceca651d55b6e868b", "b7e584c95a8800048583c38cf53bcb7b0fe00b2af6d0abc0030cc99ca23f3b18")]
    [DataRow(3, "--debug-mode --outraw", "8d342f39a94288415792634c7905020a4c27b8eb72f4eca7c378accdec2f2fbd", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(3, "--omit-id --outraw", "336ed895c8b8305f6f29fc2f16a7b2949bbffad80096207b8d840f005b044483", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(3, "--disable-stdio --outraw", "083bdb5bbc41b4ed928975af605d90ec49442d400f1f794c5fc3244fc3bae3b9", "833b5a1341caf0c51f5756f64682efbf5f7a71d4809db6f657c446195a3f2f85")]
    [DataRow(4, "--outraw", "4e4760877b19e794b2246f663d559efc06b0ee71908763e3640ff13128354238", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(4, "--outraw-pretty-print", "c57f5419edb8819436df6eaf7071d460e594babe18cbb515798886a053578924", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(4, "--print-policy", "dd8353c120b93f74805737022e4f8c849386730bfd3b9f30b4598de13c895c5d", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(4, "", "3938a42d0557bb0061fcfa1c2624b99e6e45580b91b05fae6fa8c5575147488f", "0b2d9519f927a20eced7f71322a07187ce2cdf0a16c39f02b1941a89ae51bc89")]
    [DataRow(4, "--debug-mode --outraw", "66568d70ce977ea040ae94769f749a0e28c2521c2f9c2ed9fde1446419e62751", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(4, "--omit-id --outraw", "02a32d9dbc03ce59b3635b3943cbada10996a047c38d0fd790c0fcc76606dd4f", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(4, "--disable-stdio --outraw", "4329ab7dce3464106b54f3aab8f6d657ea74d4362cca3f7c9368d6f9cd451f30", "b9284703a82d90d7ec808f220356e5634c549b98bb0160c444d8e3bf9a48032b")]
    [DataRow(5, "--outraw", "59dfb9f095799142ad05aff56dd91fec3394799a67f127a069f157533d2e94ba", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(5, "--outraw-pretty-print", "4dc36948c1daf108b2a892299475e35ac7861f08412043334a133f9ba7e1d878", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(5, "--print-policy", "b706ab657ee4a66f83dd3355ff1776e650d12d0bfb5857130282a2f2d1dbda93", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(5, "", "4c1789c984ebbf900fa74c7a6e210ba556bc6df83c06eab4faac52e681187880", "2a557a1b6b7fcf17ab82ca344367d2143122d8e8db6d97ca831a693f78ba9611")]
    [DataRow(5, "--debug-mode --outraw", "ffab75912f70e8eaa59137e3cc211c807970d0d007bd0fd2e9a21134991b5ba4", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(5, "--omit-id --outraw", "ba1d74a3e4e575e67aba784a824d870074d6e3db36699e36325254ad35af532f", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(5, "--disable-stdio --outraw", "c8b885c5b53f8b658a3aac6f85cbabf329c46059f48e66807163bc5825284f24", "993e6c94f03e705c208b208887c0f9cadd8d700d67b12bc54ce41fd065400fd4")]
    [DataRow(6, "--outraw", "c4ac0130356627ee7a8a124071baeefd8ac8db869abd88e4f8210fc2291bd897", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(6, "--outraw-pretty-print", "660bfd9775941b3844f9df524db83fbea0e8ddafd9d9855942e494d78307be56", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(6, "--print-policy", "2c2016d708e7f1d2492139f4523be2c175ad6cd867ab0bfa7f450d15123da0c4", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(6, "", "ca07e3a862fbb7e70300e74fe214ad809f213ceb6ece410306f5adee670bda24", "4a5305e8b0a57181d1c5fb2aed836387037ba75a4da2265c2f15fa9cc9cd83dd")]
    [DataRow(6, "--debug-mode --outraw", "03ed9f6eddbfbcf50df12f6b124493897e7d21d8ee3a38df07a93acf63594d08", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(6, "--omit-id --outraw", "f67e02578f911da9436140e44551f5c66afc66bfa9396a2534bb050d8252e727", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(6, "--disable-stdio --outraw", "0918bf5a8926a905326fae9ce0e700d6851ac015b59476f88ec253f97def2472", "5af48bad740f31fec3bfff7199a08affb6994e038085eaa8aea837bec63ede52")]
    [DataRow(7, "--outraw", "73d3494c888d56adf255c8af927fd8d558e010db9f5e8459810f31fbf25c7212", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(7, "--outraw-pretty-print", "edb0a768d78c632cd25131407e661e8c3f735bb311c5664355c4f0fc5f3f8ca9", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(7, "--print-policy", "7fde3e63047e5ae454024ba526b1eb5f05241d2b2014b71849f60c038c80e6e7", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(7, "", "2057e7c6986c8534763d060aef211477f05163ef30ad4d256129443f1c911661", "f518f2679e209db507394adc2827a418b8684fe8e855165c4c3b77463fe186ae")]
    [DataRow(7, "--debug-mode --outraw", "c66725aa4cf11dd25791fb5ccc49370d57735df24ff4ec53feacb1cf045fd9c9", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(7, "--omit-id --outraw", "4b63754dee04c96c788f13ca1b0750d48d2fb7c29ab8bb83aadd8d0c355ebfb7", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(7, "--disable-stdio --outraw", "85c60f59c16f36ad06a0b052bc2fb3910aeb20b798322e358bff8e6c5ab74492", "ec6174e36acf1eaf8fd57f07294745783250bb0b313c63e8cd00b182c3ee5b1f")]
    [DataRow(8, "--outraw", "a38189462d9e3ca02f5744e5f1a1f920e88b7bfa559fe0bfab397fcae214ac94", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(8, "--outraw-pretty-print", "3f099483217dae25993b3bc0bd6fce391b7765f21f15e6751e7312b4240d7b9e", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(8, "--print-policy", "1d709ed940f7cceb845a4d3db1842d8a01129024a5340e86efb40616a03a6330", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(8, "", "d1f47a194eb2c2ed98328a8d870f7855d6b9d6338a2c0cb095bcbadb929664e7", "2ec636d312f39ace852ae8883c96f5da1795de79005d5b5d1da810cc6dd1521d")]
    [DataRow(8, "--debug-mode --outraw", "9082d322bbc6e5e6707d890e4790211697dcab04ef6032b4282c2842874bee82", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(8, "--omit-id --outraw", "589e69951fc90726f96f413c7249f76ffca00969a0586b99bae21f4b86530b1c", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(8, "--disable-stdio --outraw", "5ef27e1fa1a9c8ba3ac78241225f4d512cc9091057016200cea7d600cc115984", "52621f016112ef60c23834e27838a100b628e04689ccda84807bacb74a40e8ff")]
    [DataRow(9, "--outraw", "4ff383e9d909394f34cf6c3591f9d95091968b777a9280e658cddd8b6beeb096", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(9, "--outraw-pretty-print", "b420daef3f3b15a6cf46f658a08c7c75b009f01aea8440a17eda4650db133177", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(9, "--print-policy", "96487298202ef6acf3f5a3eedc945725cb090ac871cc8ce9a384d2342b3ca730", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(9, "", "8576eaa2b93ce030551df4817410c2efc77d51044118c4c936b08dc6399dd9ee", "56514cb9102cd111a41dee1e59a22637b86a744bf03626a94f1ee9bdcf06cb08")]
    [DataRow(9, "--debug-mode --outraw", "794868298f9bafeeb72d29a06cd631dba93d8d4cf581c1de5403c323ca188486", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(9, "--omit-id --outraw", "f5625de4fbc094bf10550d27f8e9639a6e0cbb51d41d4b366838030b5f9095dd", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(9, "--disable-stdio --outraw", "24c763e4dfa1cb744c3924d286c407900f6e68651ac6d59dfaa21c58750fb363", "53b23dca0a77b8560b6118930f510cadac0318c34410b82c944cc2b07d11a0c3")]
    [DataRow(10, "--outraw", "7e432238f4d652df6b58f87e321e5d860b29fc730f10725ac7c8fe7facbd52e5", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(10, "--outraw-pretty-print", "d796fd543d6bdb24d12f4a6c59c33bbb3246bda0f9caa214c01e4fdcecf7704f", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(10, "--print-policy", "92ea96d67844d20c1c90bac1fc597d8c9ca14afc1804b5d043195c6a5482488d", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(10, "", "76bda19b4cd7c31fef685c04e80044b558bba937e3591eb4e9a6a28611f40bbe", "d4ec9b6b860b6575468b52c8e08a9315a6b27ac33ff5ea9fa9fcfb52552d6847")]
    [DataRow(10, "--debug-mode --outraw", "8cb6f3965290e66f968b276f82f5e64d5d0371a43cc3aee56d1c17134f0571f1", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(10, "--omit-id --outraw", "55cb8596f3eeec7211e55bfb0b85e4f603a674e580c5b9a8b937a8d14b889047", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(10, "--disable-stdio --outraw", "1f94d39b5411064630b13fcb010047b8c1576c1bea3317e023b41ea48ed23343", "cb82c5a07c9b0a672bb80e6c061c597a8ff1e013d326977f53a541352dcc1af9")]
    [DataRow(11, "--outraw", "4b8f91a19bbf3c17e502ed62d78ad06b2f602fa6417259814ec884a5aa3fedb1", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(11, "--outraw-pretty-print", "f7308de6387bcf8645638e5655f9604446e591f634d7eb2295392d44df27a5a7", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(11, "--print-policy", "5def07e9c7790d7c886d788cb84ffb54bec6438ab83c64b9d831ed428b091649", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(11, "", "6cc2d9f250307312259e13ce4a457a5cf99a0e83e90346c4d9f854a0f80003a3", "7d14c51957d5628df592c62608940094cdc0ba41ded63fd1510fdcc130851886")]
    [DataRow(11, "--debug-mode --outraw", "4c3d3ef08d44009ca17c5d3db8e7672ce45288d12ab7e2921277771028b62aa1", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(11, "--omit-id --outraw", "a35a3dbea6f848a88d0ea2319c6242cd5044ec15bdc6ec4e15430ced13f5c92a", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(11, "--disable-stdio --outraw", "24854ada8bbcb02c1468f22ca2373de8568ebf123d1bebc2cab18b8675c7080a", "50070ccd104563581283feb0e85a5dfa943eac77f909dfd9c8e4ba90537d8b4f")]
    [DataRow(12, "--outraw", "0e6aa2a8bdd8598f8c75181e02f8972a4b305202b2d61492ce53b47c441fa128", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    [DataRow(12, "--outraw-pretty-print", "42ae4e2e8433eeefe1fd1947e790a84565669856211620245f8275fcc26fd1ba", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    [DataRow(12, "--print-policy", "775b51eef78cf106bffa5341a77b5e13b56c7d8a8de902eb69343e9dccee9be8", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    [DataRow(12, "", "a5caa92fe9f3562e17d3d5947125188e45b8836ef87af0c0c61cc7b4d2ab83b6", "3a09aafb6be8ba7ce435429cb1043d4b322a359dc99674968ca863ff1d720d72")]
    [DataRow(12, "--debug-mode --outraw", "4f819f734c7563cfb840564222b098badcc1d7493d28e10a444cc82e48ebcbcc", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    [DataRow(12, "--omit-id --outraw", "caa4649345e04a3b6a95827207d53e46ec3f0ec705867e2b905ca2c96cbb334f", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    [DataRow(12, "--disable-stdio --outraw", "cca302218e9116e69051347ce3ce546b2278fbe498daa732d9746d1c24a4c520", "d855c4a366f3f26e54e253ac05ffe9f39bbd592653c65e2e87688b949c37bf66")]
    public void PolicyGen_SeededTemplateAndArchives_PrintsAndWritesWhatConfcomDoes(int seed, string mode, string stdoutSha256, string templateSha256)
    {
        string dir = TestPaths.NewTempDir("policygen");
        try
        {
            PolicyFixture.Write(dir, seed, out bool withParameters);
            var args = new List<string> { "aci", "policygen", "-a", "template.json", "--tar", "map.json", "-y" };
            if (withParameters)
                args.AddRange(["-p", "params.json"]);
            args.AddRange(mode.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var result = CcImageCli.RunIn(dir, [.. args]);
            Assert.AreEqual(0, result.ExitCode, result.StandardError);
            Assert.AreEqual(stdoutSha256, Sha256(Encoding.UTF8.GetBytes(result.StandardOutput)), result.StandardOutput);
            Assert.AreEqual(templateSha256, Sha256(File.ReadAllBytes(Path.Combine(dir, "template.json"))));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
